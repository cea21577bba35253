#!/bin/sh
# bench/agent_turn.sh — what the gateway adds to an agent turn, against an instant local model
# (test/llm/llm_server.py answering from a script, no thinking time):
#   - added latency per turn, p50 / p99: the same non-streamed request sent N times straight to
#     the model server and N times through POST /v1/chat/completions (each turn: session lock,
#     transcript load, workspace prompt, model call, durable append, reply);
#   - RSS per active session: gateway RSS after SESSIONS distinct sessions took one turn, minus
#     the idle RSS, divided by SESSIONS;
#   - 100 concurrent sessions streaming at once (SSE): wall time for all, per-stream p50/p99
#     time to the last byte, and peak RSS.
# OpenClaw's figures for the same runs are not available on this machine (it needs its own
# Node.js runtime and packages); its idle footprint (~950 MiB) is the reference beside ours.
# Figures only, never pass/fail; on 2 shared cores they are noisy, and the Python model server
# is itself part of every number.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. bench/lib.sh
: > bench/results/agent_turn.txt
[ -x build/chela ] || { echo "bench agent_turn: build/chela missing: run ./build.sh" >&2; exit 1; }
TURNS=${TURNS:-200} SESSIONS=${SESSIONS:-100} CONCURRENT=${CONCURRENT:-100} \
CHELA_BIN="$top/build/chela" CHELA_TOP="$top" PYTHONPATH="$top/bench:$top/test/integration" python3 - <<'PY' || exit 1
import http.client, json, os, shutil, signal, threading, time
from benchlib import reporter, rss_kib
from gateway_lib import LLM, Gateway

TURNS, SESSIONS, CONC = int(os.environ["TURNS"]), int(os.environ["SESSIONS"]), int(os.environ["CONCURRENT"])
TOKEN = "bench-token"
say = reporter("agent_turn")

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]

model = LLM([{"kind": "reply", "text": "ok, noted: the answer is forty-two."}] * (2 * TURNS + SESSIONS + CONC + 10))
llm_port = model.port
gw = Gateway(config="[gateway]\ntoken = %s\nopenai_http = true\n\n%s" % (TOKEN, model.config()))
port = gw.port
if not port:
    raise SystemExit("bench agent_turn: the gateway did not start: " + gw.log()[-300:])

def request(p, path, body, headers, stream=False):
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=60)
    t0 = time.perf_counter()
    c.request("POST", path, body=json.dumps(body), headers=headers)
    r = c.getresponse()
    data = r.read()
    dt = (time.perf_counter() - t0) * 1000
    c.close()
    if r.status != 200:
        raise SystemExit("bench agent_turn: %s answered %d: %s" % (path, r.status, data[:200]))
    return dt, data

msg = [{"role": "user", "content": "what is the answer?"}]
direct, via = [], []
for i in range(TURNS):
    direct.append(request(llm_port, "/v1/chat/completions", {"model": "bench", "messages": msg},
                          {"Content-Type": "application/json"})[0])
    via.append(request(port, "/v1/chat/completions", {"model": "chela", "user": "seq", "messages": msg},
                       {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})[0])
added = [v - d for v, d in zip(via, direct)]
say("turn straight to the model p50 %.2f ms, p99 %.2f ms (n=%d)" % (pct(direct, 50), pct(direct, 99), TURNS))
say("turn through the gateway   p50 %.2f ms, p99 %.2f ms (one session, growing transcript)" %
    (pct(via, 50), pct(via, 99)))
say("added by the gateway       p50 %.2f ms, p99 %.2f ms" % (pct(added, 50), pct(added, 99)))

idle = rss_kib(gw.proc.pid)
for i in range(SESSIONS):
    request(port, "/v1/chat/completions", {"model": "chela", "user": "u%d" % i, "messages": msg},
            {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
after = rss_kib(gw.proc.pid)
say("RSS %.2f MiB before, %.2f MiB after %d sessions took a turn: %.1f KiB per session" %
    (idle / 1024.0, after / 1024.0, SESSIONS, (after - idle) / float(SESSIONS)))

peak = [after]
stop = threading.Event()
def sample():
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], rss_kib(gw.proc.pid))
        except OSError:
            return
        time.sleep(0.005)
times, errors = [], []
def stream_one(i):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        t0 = time.perf_counter()
        c.request("POST", "/v1/chat/completions", body=json.dumps(
            {"model": "chela", "user": "c%d" % i, "stream": True, "messages": msg}),
            headers={"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or b"[DONE]" not in body:
            errors.append("%d %r" % (r.status, body[:120]))
        times.append((time.perf_counter() - t0) * 1000)
        c.close()
    except Exception as e:
        errors.append(repr(e))
sampler = threading.Thread(target=sample)
sampler.start()
threads = [threading.Thread(target=stream_one, args=(i,)) for i in range(CONC)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = (time.perf_counter() - t0) * 1000
stop.set()
sampler.join()
say("%d sessions streaming at once: all done in %.0f ms; per stream p50 %.0f ms, p99 %.0f ms; %d errors%s" %
    (CONC, wall, pct(times, 50) if times else 0, pct(times, 99) if times else 0, len(errors),
     (" (first: %s)" % errors[0]) if errors else ""))
say("peak RSS during the concurrent streams %.2f MiB (OpenClaw idles at ~950 MiB)" % (peak[0] / 1024.0))
gw.stop(signal.SIGTERM)
model.stop()
shutil.rmtree(gw.state, ignore_errors=True)
shutil.rmtree(model.dir, ignore_errors=True)
PY
