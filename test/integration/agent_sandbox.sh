#!/bin/sh
# agent_sandbox: an agent turn's tools run where the sandbox decision says, with the real
# engine. Under mode = non-main a scripted model asks for `cat /etc/hostname` and `ls /`:
# in a non-main session the results sent back to the model come from the session's container
# (its hostname, the busybox image's root), in the main session from the host.
SUITE=agent_sandbox
. "$CHELA_TOP/test/lib.sh"
img=$(sh "$CHELA_TOP/test/images/busybox/build.sh") || { t_fail "test image" "cannot build the busybox image"; exit 1; }
prefix="chela-tagent$$-"
cleanup() { docker ps -aq --filter "name=^/$prefix" | xargs -r docker rm -f >/dev/null 2>&1; }
trap cleanup EXIT INT TERM
IMG=$img PREFIX=$prefix PYTHONPATH="$CHELA_TOP/test/integration" python3 - <<'PY'
import json, os, subprocess
from agent_lib import Suite, Model, Env, tool_results

t = Suite("agent_sandbox")
calls = [{"id": "h", "name": "exec", "arguments": json.dumps({"command": "cat /etc/hostname"})},
         {"id": "l", "name": "exec", "arguments": json.dumps({"command": "ls /"})}]
turn = [{"kind": "tools", "calls": calls}, {"kind": "reply", "text": "Done."}]
m = Model("anthropic", turn + turn)
extra = """
[agents.defaults.sandbox]
mode = non-main
[agents.defaults.sandbox.docker]
image = %s
container_prefix = %s
""" % (os.environ["IMG"], os.environ["PREFIX"])
env = Env(m, extra=extra, timeout_s=120)
os.makedirs(os.path.join(env.state, "workspace"))
with open(os.path.join(env.state, "workspace", "MEMORY.md"), "w") as f:
    f.write("Private memory line.")


def stdout_of(result):
    try:
        return json.loads(result).get("stdout", "")
    except ValueError:
        return ""


# --- a non-main session: the container ---
r = env.agent("where am I?", "--session", "work")
t.eq("non-main turn succeeds", (0, "Done.\n"), (r.returncode, r.stdout))
tools = [e for e in env.messages("agent:main:work") if e["role"] == "tool"]
where = tools[0]["where"] if tools else ""
t.check("tool entries name the sandbox container", where.startswith(os.environ["PREFIX"]) and
        all(e["where"] == where for e in tools), (tools, r.stderr))
t.check("stderr names the container for each tool", ("[tool] exec start (%s)" % where) in r.stderr and
        ("[tool] exec end (%s," % where) in r.stderr, r.stderr)
res = dict(tool_results(m.requests()[1], "anthropic")) if len(m.requests()) > 1 else {}
hostname = subprocess.run(["docker", "inspect", "-f", "{{.Config.Hostname}}", where], capture_output=True,
                          text=True).stdout.strip()
t.check("cat /etc/hostname answered by the container", hostname and stdout_of(res.get("h", "")).strip() == hostname,
        (hostname, res.get("h")))
ls = stdout_of(res.get("l", "")).split()
t.check("ls / shows the image's root, not the host's", "workspace" in ls and "bin" in ls and "usr" not in ls, ls)
system = m.requests()[0].get("system", "")
t.check("non-main prompt: no MEMORY.md, a note that tools are sandboxed",
        "Private memory line." not in system and "sandbox container" in system, system[-400:])

# --- the main session: the host ---
r = env.agent("and now?")
t.eq("main turn succeeds", (0, "Done.\n"), (r.returncode, r.stdout))
tools = [e for e in env.messages() if e["role"] == "tool"]
t.check("main session tools ran on the host", len(tools) == 2 and all(e["where"] == "host" for e in tools), tools)
res = dict(tool_results(m.requests()[3], "anthropic")) if len(m.requests()) > 3 else {}
with open("/etc/hostname") as f:
    host_name = f.read().strip()
t.check("cat /etc/hostname answered by the host", stdout_of(res.get("h", "")).strip() == host_name, res.get("h"))
t.check("ls / is the host's root", "usr" in stdout_of(res.get("l", "")).split(), res.get("l"))
t.check("main prompt includes MEMORY.md", "Private memory line." in m.requests()[2].get("system", ""), "")
m.stop(); env.cleanup()

# --- one turn's tool calls share the container's long-lived shell; it ends with chela ---
import time
twice = [{"kind": "tools", "calls": [{"id": "a", "name": "exec", "arguments": json.dumps({"command": "echo $PPID"})},
                                     {"id": "b", "name": "exec", "arguments": json.dumps({"command": "echo $PPID"})}]},
         {"kind": "reply", "text": "Done."}]
m = Model("anthropic", twice)
env = Env(m, extra=extra, timeout_s=120)
r = env.agent("twice", "--session", "warm")
res = dict(tool_results(m.requests()[1], "anthropic")) if len(m.requests()) > 1 else {}
ppids = [stdout_of(res.get(k, "")).strip() for k in ("a", "b")]
t.check("both calls answered by the same shell in the container", r.returncode == 0 and ppids[0].isdigit() and
        int(ppids[0]) > 1 and ppids[0] == ppids[1], (ppids, r.stderr))
tools = [e for e in env.messages("agent:main:warm") if e["role"] == "tool"]
name = tools[0]["where"] if tools else ""
left = "?"
for _ in range(40):  # the engine closes the shell's stdin once chela's connection is gone
    top = subprocess.run(["docker", "top", name, "-o", "pid,args"], capture_output=True, text=True)
    left = top.stdout if top.returncode == 0 else "docker top failed: " + top.stderr
    if top.returncode == 0 and "chela-shell" not in left:
        break
    time.sleep(0.1)
t.check("no shell is left in the container after chela exits", name.startswith(os.environ["PREFIX"]) and
        "chela-shell" not in left, (name, left))
m.stop(); env.cleanup()

# --- abort (SIGINT) kills a running tool's process tree, on the host and in the container ---
import signal, time
for session, marker in (("main", "4711"), ("work", "4712")):
    sleeper = [{"kind": "tools", "calls": [{"id": "s", "name": "exec",
                                            "arguments": json.dumps({"command": "sleep %s & sleep %s; echo never" % (marker, marker)})}]},
               {"kind": "reply", "text": "unused"}]
    m = Model("openai", sleeper)
    env = Env(m, extra=extra, timeout_s=120)
    proc = subprocess.Popen(env.cmd("sleep", "--session", session), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    where, t0 = "", time.time()
    while time.time() - t0 < 30 and not where:
        time.sleep(0.1)
        try:
            calls = [e for e in env.messages("agent:main:" + session) if e["role"] == "assistant" and e.get("toolCalls")]
        except (OSError, KeyError, ValueError):
            calls = []
        if calls:
            where = "host" if session == "main" else "container"
    time.sleep(1.5)  # the command is running now
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    t.check(session + ": SIGINT aborts the turn (exit 130)", proc.returncode == 130, (proc.returncode, err))
    tools = [e for e in env.messages("agent:main:" + session) if e["role"] == "tool"]
    t.check(session + ": the tool result says it was aborted", len(tools) == 1 and "aborted" in tools[0]["content"], tools)
    if session == "main":
        left = subprocess.run(["pgrep", "-f", "sleep " + marker], capture_output=True, text=True).stdout.split()
    else:
        name = tools[0]["where"] if tools else ""
        top = subprocess.run(["docker", "top", name], capture_output=True, text=True)
        left = [l for l in top.stdout.splitlines() if "sleep " + marker in l]
        if top.returncode != 0 or not name.startswith(os.environ["PREFIX"]):
            left = ["docker top %s failed: %s" % (name, top.stderr)]
    t.check(session + ": every process of the tool is gone (" + where + ")", left == [], left)
    t.eq(session + ": the model was not asked again after the abort", 1, len(m.requests()))
    m.stop(); env.cleanup()
raise SystemExit(1 if t.failures else 0)
PY
