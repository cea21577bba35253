#!/bin/sh
# gateway_ws: RFC 6455 and the OpenClaw v4 protocol over real sockets — handshake, challenge,
# connect/hello-ok, methods, fragmentation, ping/pong, and every way a client frame can be
# wrong (each must close with the right code while the server carries on).
SUITE=gateway_ws
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import json, struct
from gateway_lib import *

t = Suite("gateway_ws")
gw = Gateway()
if not t.check("gateway starts", gw.port and gw.token, gw.log()):
    raise SystemExit(1)
p, tok = gw.port, gw.token

w = WS(p)
t.eq("upgrade: 101 with the RFC 6455 accept key", (101, ws_accept(w.key)),
     (w.resp.status, w.resp.headers.get("sec-websocket-accept")))
ch = w.recv_json()
t.check("server speaks first: connect.challenge {nonce, ts}",
        ch.get("type") == "event" and ch.get("event") == "connect.challenge" and
        re.fullmatch(r"[0-9a-f]{32}", ch["payload"]["nonce"]) and ch["payload"]["ts"] > 1e12, ch)
res = w.connect_req(tok)
pl = res.get("payload", {})
t.check("connect -> res ok hello-ok, protocol 4", res.get("type") == "res" and res.get("id") == "c1" and res.get("ok")
        and pl.get("type") == "hello-ok" and pl.get("protocol") == 4, res)
t.check("hello-ok.server has version and connId", pl["server"].get("version") and pl["server"].get("connId"), pl.get("server"))
t.eq("hello-ok.features.methods", ["health", "status", "chat.send", "chat.history", "chat.abort", "sessions.list",
                                   "sessions.reset", "sandbox.explain"], pl["features"]["methods"])
t.check("hello-ok.features.events has chat, agent, tick", {"chat", "agent", "tick"} <= set(pl["features"]["events"]), pl["features"])
sn = pl["snapshot"]
t.check("hello-ok.snapshot: health, uptimeMs, stateDir, authMode", sn["health"]["ok"] and sn["uptimeMs"] >= 0 and
        sn["stateDir"] == gw.state and sn["authMode"] == "token", sn)
t.eq("hello-ok.auth echoes role and scopes", {"role": "operator", "scopes": ["operator.read", "operator.write"]}, pl["auth"])
t.eq("hello-ok.policy", {"maxPayload": 4194304, "maxBufferedBytes": 8388608, "tickIntervalMs": 15000}, pl["policy"])
t.check("token is not echoed anywhere in hello-ok", tok not in json.dumps(res), "token leaked")

r = w.call("health", rid="h1")
t.check("health -> ok live", r["id"] == "h1" and r["ok"] and r["payload"]["status"] == "live", r)
r = w.call("status", rid="s1")
t.check("status -> version, connections, authMode", r["ok"] and r["payload"]["connections"]["websocket"] >= 1 and
        r["payload"]["authMode"] == "token", r)
# (chat.send, chat.abort and the session methods with a model: gateway_chat.sh)
r = w.call("chat.history", {"sessionKey": "main"}, rid="hist")
t.eq("chat.history of a new session -> empty", (True, "agent:main:main", []),
     (r["ok"], r["payload"]["sessionKey"], r["payload"]["messages"]))
r = w.call("chat.send", {"sessionKey": "main"}, rid="cs")
t.eq("chat.send without a message -> invalid_request", (False, "invalid_request"), (r["ok"], r["error"]["code"]))
r = w.call("sessions.list", rid="l")
t.eq("sessions.list -> empty list", (True, []), (r["ok"], r["payload"]["sessions"]))
r = w.call("sandbox.explain", {"sessionKey": "work"}, rid="e")
t.check("sandbox.explain -> the explain document of the session", r["ok"] and
        r["payload"]["session"] == "agent:main:work" and r["payload"]["sandboxed"] is False, r)
r = w.call("sandbox.explain", {"agentId": "nope"}, rid="e2")
t.eq("sandbox.explain for an unknown agent -> not_found", (False, "not_found"), (r["ok"], r["error"]["code"]))
r = w.call("no.such.method", rid="u")
t.eq("unknown method -> unknown_method", (False, "unknown_method"), (r["ok"], r["error"]["code"]))
w.send(frame(1, "not json"))
r = w.recv_json()
t.eq("garbage after connect -> invalid_request, connection kept", (False, "invalid_request"), (r["ok"], r["error"]["code"]))
w.send(frame(9, b"ping-data"))
op, pl2 = w.recv()
t.eq("ping -> pong with the same payload", (10, b"ping-data"), (op, pl2))
# fragmented request with a ping in the middle (RFC 6455 5.4: control frames may interleave)
msg = json.dumps({"type": "req", "id": "frag", "method": "health", "params": {}})
w.send(frame(1, msg[:10], fin=False) + frame(9, b"mid") + frame(0, msg[10:20], fin=False) + frame(0, msg[20:]))
op, pl2 = w.recv()
r = w.recv_json()
t.check("fragmented message reassembled around an interleaved ping", op == 10 and r["id"] == "frag" and r["ok"], (op, r))
w.send(frame(8, struct.pack("!H", 1000) + b"bye"))
t.eq("client close 1000 -> server echoes 1000", 1000, w.recv_close()[0])
w.close()

def expect_close(name, code, frames, authed=True, first=None):
    w = ws_ready(p, tok) if authed else WS(p)
    if not authed:
        w.recv_json()
    w.send(frames)
    got = w.recv_close()
    t.check(name, got[0] == code, "want close %d, got %r" % (code, got))
    w.close()

expect_close("unmasked client frame -> 1002", 1002, frame(1, '{"type":"req"}', mask=False))
expect_close("reserved bits without extension -> 1002", 1002, frame(1, "{}", rsv=4))
expect_close("unknown opcode -> 1002", 1002, frame(3, "x"))
expect_close("fragmented control frame -> 1002", 1002, frame(9, "x", fin=False))
expect_close("continuation without a message -> 1002", 1002, frame(0, "x"))
expect_close("invalid UTF-8 in a text frame -> 1007", 1007, frame(1, b'{"a":"\xc3\x28"}'))
expect_close("UTF-16 surrogate encoded in UTF-8 -> 1007", 1007, frame(1, b"\xed\xa0\x80"))
expect_close("binary frame -> 1003", 1003, frame(2, b"\x00\x01"))
expect_close("frame header announcing 5 MiB -> 1009", 1009, frame(1, b"", length=5 * 1024 * 1024))
expect_close("pre-auth frame over 64 KiB -> 1009", 1009, frame(1, b"x" * (70 * 1024)), authed=False)
expect_close("frame before connect (health) -> 1008", 1008,
             frame(1, json.dumps({"type": "req", "id": "1", "method": "health"})), authed=False)

w = WS(p)
w.recv_json()
r = w.connect_req("wrong-token")
code = w.recv_close()[0]
t.eq("wrong token -> res unauthorized, then close 1008", (False, "unauthorized", 1008), (r["ok"], r["error"]["code"], code))
w = WS(p)
w.recv_json()
r = w.connect_req(tok, minProtocol=5, maxProtocol=6)
t.eq("protocol 5-6 only -> protocol_mismatch, close 1002", ("protocol_mismatch", 1002), (r["error"]["code"], w.recv_close()[0]))

w = WS(p, origin="http://evil.example")
t.eq("cross-origin upgrade refused with 403", 403, w.resp.status)
w = WS(p, origin="http://127.0.0.1:%d" % p)
t.eq("same-origin browser upgrade accepted", 101, w.resp.status)
w = WS(p, origin="http://rebind.example:%d" % p, host="rebind.example:%d" % p)
t.eq("DNS-rebinding host on a loopback gateway refused", 403, w.resp.status)
w = WS(p, origin="null")
t.eq("Origin: null refused", 403, w.resp.status)
w = WS(p, key="short")
t.eq("malformed Sec-WebSocket-Key -> 400", 400, w.resp.status)
w = WS(p, version="8")
t.eq("old WebSocket version -> 426 naming 13", (426, "13"), (w.resp.status, w.resp.headers.get("sec-websocket-version")))

w = ws_ready(p, tok)
r = w.call("health", rid="after")
t.check("server carries on after every protocol error", r["ok"], r)
t.check("the token never appears in the log", tok not in gw.log(), "token found in log")
t.eq("gateway still running", None, gw.proc.poll())
gw.stop()
raise SystemExit(1 if t.failures else 0)
PY
