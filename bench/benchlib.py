"""bench/benchlib.py — what the Python parts of the bench scripts share (run from the top of the
tree with PYTHONPATH including bench/). Figures only: nothing here passes or fails."""
import os


def reporter(name):
    """say(text): print "bench NAME: text" and append it to bench/results/NAME.txt (as bench_say)."""
    def say(text):
        line = "bench %s: %s" % (name, text)
        print(line, flush=True)
        with open(os.path.join("bench", "results", name + ".txt"), "a") as f:
            f.write(line + "\n")
    return say


def rss_kib(pid, field="VmRSS"):
    """A /proc/PID/status size field in KiB (0 when absent)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0
