#!/bin/sh
# gateway_lifecycle: SIGTERM stops within 1 s (clients told 1001), SIGHUP reloads the config,
# `chela health` is a working probe, /readyz asks the real Docker engine when sandboxing is on,
# and a slow readiness probe runs off the loop without holding up other clients.
SUITE=gateway_lifecycle
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import os, socket, subprocess, threading, time
from gateway_lib import *

t = Suite("gateway_lifecycle")

def health(url, env=None):
    e = dict(os.environ, **(env or {}))
    r = subprocess.run([CHELA, "health", "--url", url], capture_output=True, text=True, timeout=10, env=e)
    return r.returncode, r.stdout + r.stderr

gw = Gateway()
p = gw.port
rc, out = health("http://127.0.0.1:%d/healthz" % p, {"CHELA_CONFIG": "/nonexistent/chela.ini"})
t.eq("chela health exits 0 against a live gateway (config not needed)", 0, rc)
rc, out = health("http://127.0.0.1:%d/nope" % p)
t.check("chela health exits 1 on a non-200 and says what it got", rc == 1 and "404" in out, (rc, out))
s = socket.socket(); s.bind(("127.0.0.1", 0)); dead = s.getsockname()[1]; s.close()
start = time.monotonic()
rc, out = health("http://127.0.0.1:%d/healthz" % dead)
t.check("chela health exits 1 quickly when nothing listens", rc == 1 and time.monotonic() - start < 2.5, (rc, out))
rc, out = health("ftp://x/")
t.eq("chela health rejects a non-http URL as a usage error", 2, rc)

# SIGTERM with an authenticated WebSocket, an idle keep-alive client and a half-sent request
w = ws_ready(p, gw.token)
idle = connect(p); idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); read_response(idle)
half = connect(p); half.sendall(b"GET /healthz HTTP/1.1\r\n")
start = time.monotonic()
gw.proc.send_signal(signal.SIGTERM)
code, reason = w.recv_close()
try:
    gw.proc.wait(2)
except subprocess.TimeoutExpired:
    pass
el = time.monotonic() - start
t.check("SIGTERM: exits 0 within 1 s with clients connected", gw.proc.returncode == 0 and el < 1.0, (gw.proc.returncode, el))
t.eq("SIGTERM: WebSocket clients get close 1001", 1001, code)
t.check("SIGTERM logged as gateway.stopping / gateway.stop", "event=gateway.stopping reason=SIGTERM" in gw.log() and
        "event=gateway.stop " in gw.log(), gw.log()[-300:])

# SIGHUP: flip openai_http and add an origin without a restart; a broken file keeps the old config
cfg = "[gateway]\ntoken = hup-token\n"
gw = Gateway(config=cfg)
p = gw.port
r1 = request(p, "POST", "/v1/chat/completions", "{}", {"Authorization": "Bearer hup-token"}).status
with open(gw.config_path, "w") as f:
    f.write(cfg + "openai_http = true\nallowed_origins = http://ui.example\n")
gw.proc.send_signal(signal.SIGHUP)
time.sleep(0.3)
r2 = request(p, "POST", "/v1/chat/completions", "{}", {"Authorization": "Bearer hup-token"}).status
w = WS(p, origin="http://ui.example")
t.eq("SIGHUP reload: openai_http and allowed_origins apply live", (404, 400, 101), (r1, r2, w.resp.status))
with open(gw.config_path, "w") as f:
    f.write("[gateway]\nport = notanumber\n")
gw.proc.send_signal(signal.SIGHUP)
time.sleep(0.3)
r3 = request(p, "GET", "/healthz").status
t.check("SIGHUP with a broken config: logged, old config kept", r3 == 200 and "event=gateway.reload_failed" in gw.log()
        and "chela.ini" in gw.log(), gw.log()[-400:])
t.eq("still running after reloads", None, gw.proc.poll())
gw.stop()

# /readyz against the real Docker engine when an agent is sandboxed
sock = "/var/run/docker.sock"
gw = Gateway(config="[agents.defaults.sandbox]\nmode = all\n", env={"DOCKER_HOST": "unix://" + sock})
r = request(gw.port, "GET", "/readyz")
t.check("sandboxed + Docker up: /readyz 200, docker check ok",
        r.status == 200 and r.json()["checks"]["docker"]["ok"], (r.status, r.body))
gw.stop()
gw = Gateway(config="[agents.defaults.sandbox]\nmode = all\n", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
r = request(gw.port, "GET", "/readyz")
t.check("sandboxed + no Docker: /readyz 503 naming the socket",
        r.status == 503 and not r.json()["checks"]["docker"]["ok"] and "/nonexistent/docker.sock" in r.json()["checks"]["docker"]["detail"],
        (r.status, r.body))
gw.stop()

# a Docker socket that accepts and never answers: the probe times out on a worker thread,
# and meanwhile the loop keeps answering everybody else
tmp = tempfile.mkdtemp()
mute = os.path.join(tmp, "mute.sock")
ls = socket.socket(socket.AF_UNIX); ls.bind(mute); ls.listen(8)
held = []
threading.Thread(target=lambda: [held.append(ls.accept()) for _ in range(4)], daemon=True).start()
gw = Gateway(config="[agents.defaults.sandbox]\nmode = all\n", env={"DOCKER_HOST": "unix://" + mute})
p = gw.port
box = {}
def slow():
    st = time.monotonic(); box["r"] = request(p, "GET", "/readyz"); box["t"] = time.monotonic() - st
th = threading.Thread(target=slow); th.start()
time.sleep(0.2)
st = time.monotonic(); fast = request(p, "GET", "/healthz"); fast_t = time.monotonic() - st
th.join(5)
t.check("a slow /readyz (1 s Docker timeout) does not block /healthz",
        fast.status == 200 and fast_t < 0.2 and box.get("r") and box["r"].status == 503 and 0.8 < box["t"] < 3,
        (fast.status, fast_t, box.get("t"), box.get("r") and box["r"].body))
gw.stop()

# channels configured without a channel runtime: not ready, and it says why
gw = Gateway(config="[channel.telegram]\ntoken = 123:abc\n")
if gw.port:
    r = request(gw.port, "GET", "/readyz")
    t.check("channels configured but no channel runtime: /readyz 503 says so",
            r.status == 503 and "no channel runtime" in r.json()["checks"]["channels"]["detail"], (r.status, r.body))
else:
    t.check("channel config accepted by the loader", False, gw.log()[-300:])
gw.stop()
raise SystemExit(1 if t.failures else 0)
PY
