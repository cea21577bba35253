#!/bin/sh
# gateway_auth: who may talk to the gateway — Bearer and connect-frame tokens, the failed-attempt
# limiter (429 + Retry-After per client address, WS close 1008), the generated token file, the
# refusal to serve a non-loopback bind without auth, allowed_origins, and the openai endpoint.
SUITE=gateway_auth
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import os, stat, subprocess
from gateway_lib import *

t = Suite("gateway_auth")
gw = Gateway()
if not t.check("gateway starts with no config at all", gw.port and gw.token, gw.log()):
    raise SystemExit(1)
p, tok = gw.port, gw.token
tf = os.path.join(gw.state, "gateway.token")
t.eq("generated token file is mode 0600", 0o600, stat.S_IMODE(os.stat(tf).st_mode))
t.check("page URL with the token printed once on first start",
        ("http://127.0.0.1:%d/#token=%s" % (p, tok)) in gw.out(), gw.out())
t.check("generated token is long and random-looking", re.fullmatch(r"[0-9a-f]{48}", tok), tok)

def invoke(token, src=None):
    h = {"Authorization": "Bearer " + token} if token is not None else {}
    return request(p, "POST", "/tools/invoke", '{"tool":"read","args":{}}', h, src=src)

r = invoke(tok)
t.eq("right Bearer token gets through to the route (the tool answers)", 200, r.status)
r = invoke(None)
t.eq("no Authorization -> 401 with WWW-Authenticate", (401, "Bearer"), (r.status, r.headers.get("www-authenticate")))
statuses = [invoke("nope-%d" % i, src="127.0.0.2").status for i in range(5)]
t.eq("five wrong tokens -> 401 each", [401] * 5, statuses)
r = invoke("nope-6", src="127.0.0.2")
ra = r.headers.get("retry-after", "")
t.check("sixth attempt -> 429 with Retry-After", r.status == 429 and ra.isdigit() and 0 < int(ra) <= 60, (r.status, r.headers))
r = invoke(tok, src="127.0.0.2")
t.eq("locked-out client is refused even with the right token", 429, r.status)
w = WS(p, src="127.0.0.2")
t.check("locked-out client's WebSocket upgrade -> 429 + Retry-After", w.resp.status == 429 and "retry-after" in w.resp.headers, w.resp.status)
r = invoke(tok)
t.eq("other clients are not locked out", 200, r.status)

# WebSocket failures count too: 5 bad connects from one address, then the door shuts
codes = []
for i in range(5):
    w = WS(p, src="127.0.0.3")
    w.recv_json()
    w.connect_req("bad-%d" % i)
    codes.append(w.recv_close()[0])
    w.close()
t.eq("five bad connect frames -> close 1008 each", [1008] * 5, codes)
w = WS(p, src="127.0.0.3")
t.eq("then the upgrade itself is refused with 429", 429, w.resp.status)
w = WS(p, src="127.0.0.4")
w.recv_json()
r = w.connect_req(None)
t.eq("connect without auth.token -> unauthorized, 1008", ("unauthorized", 1008), (r["error"]["code"], w.recv_close()[0]))

log = gw.log()
t.check("failed attempts are logged (auth.failed, auth.locked_out)", "event=auth.failed" in log and "event=auth.locked_out" in log, log[-400:])
t.check("the token never appears in the log", tok not in log, "token in log")
gw.stop()

gw2 = Gateway(state=gw.state)
t.eq("second start reuses the token file", tok, gw2.token)
t.check("and does not print the token again", tok not in gw2.out(), gw2.out())
gw2.stop()

# configured token, openai_http, allowed_origins, SIGHUP-free checks
cfg = "[gateway]\ntoken = s3cret-configured-token\nopenai_http = true\nallowed_origins = https://chat.example.org\n"
gw3 = Gateway(config=cfg)
p = gw3.port
t.check("configured token: no token file generated", gw3.token is None and gw3.port, (gw3.token, gw3.log()[-300:]))
r = request(p, "POST", "/v1/chat/completions", '{"model":"x","messages":[]}', {"Authorization": "Bearer s3cret-configured-token"})
t.check("openai_http=true: /v1/chat/completions reaches the endpoint (unknown model -> 400 naming chela)",
        r.status == 400 and "chela" in r.json()["error"]["message"], (r.status, r.body))
r = request(p, "POST", "/v1/chat/completions", "{}")
t.eq("/v1/chat/completions needs the Bearer token", 401, r.status)
w = WS(p, origin="https://chat.example.org")
t.eq("origin listed in allowed_origins may upgrade", 101, w.resp.status)
w = ws_ready(p, "s3cret-configured-token")
t.check("configured token accepted on connect", w.hello["ok"], w.hello)
t.check("configured token never logged", "s3cret-configured-token" not in gw3.log(), "token in log")
gw3.stop()

# auth = none: fine on loopback, refused on a non-loopback bind (exit 78, naming the fix)
gw4 = Gateway(config="[gateway]\nauth = none\n")
w = ws_ready(gw4.port, None)
t.check("auth=none on loopback: connect without a token", w.hello["ok"] and w.hello["payload"]["snapshot"]["authMode"] == "none", w.hello)
gw4.stop()
gw5 = Gateway(config="[gateway]\nauth = none\n", args=["--bind", "lan"])
rc = gw5.proc.wait(5)
t.check("auth=none with --bind lan refused: exit 78 and a message naming auth",
        rc == 78 and "auth = token" in gw5.log(), (rc, gw5.log()))
gw6 = Gateway(config="[gateway]\nauth = none\nbind = 0.0.0.0\n")
t.eq("auth=none with bind = 0.0.0.0 refused too", 78, gw6.proc.wait(5))
raise SystemExit(1 if t.failures else 0)
PY
