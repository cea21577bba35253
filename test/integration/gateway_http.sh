#!/bin/sh
# gateway_http: the HTTP/1.1 side of the gateway over real sockets — probes, keep-alive,
# pipelining (with a job-backed request in the middle), and hostile requests that must each get
# a clear 4xx and a closed connection while the server carries on.
SUITE=gateway_http
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import socket, time
from gateway_lib import *

t = Suite("gateway_http")
gw = Gateway(env={"CHELA_GATEWAY_HEADER_TIMEOUT_MS": "1500"})
if not t.check("gateway starts and logs its port", gw.port, gw.log()):
    raise SystemExit(1)
p = gw.port

r = request(p, "GET", "/healthz")
t.eq("/healthz 200 without auth", (200, b'{"ok":true,"status":"live"}'), (r.status, r.body))
r = request(p, "GET", "/health")
t.eq("/health 200 without auth", (200, b'{"ok":true,"status":"live"}'), (r.status, r.body))
r = request(p, "HEAD", "/healthz")
t.eq("HEAD /healthz: headers only", (200, "27", b""), (r.status, r.headers.get("content-length"), r.body))
r = request(p, "POST", "/healthz", "x")
t.eq("POST /healthz is 405 with Allow", (405, "GET, HEAD"), (r.status, r.headers.get("allow")))
r = request(p, "GET", "/nope")
t.eq("unknown path 404", 404, r.status)
r = request(p, "GET", "/readyz")
t.check("/readyz 200 with every check listed", r.status == 200 and set(r.json()["checks"]) == {"config", "docker", "channels"}, r.body)
r = request(p, "GET", "/")
t.check("GET / serves the page, or says plainly it is not built",
        (r.status == 200 and r.headers["content-type"].startswith("text/html")) or
        (r.status == 503 and b"web page not built" in r.body), (r.status, r.body[:100]))

# keep-alive: two requests, one connection
s = connect(p)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
r1, rest = read_response(s)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
r2, rest = read_response(s, buf=rest)
t.eq("keep-alive: two requests on one connection", (200, 200, "keep-alive"), (r1.status, r2.status, r1.headers["connection"]))
s.close()

# pipelining: the middle request is answered by a worker thread; order must hold
s = connect(p)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
rest, got = b"", []
for _ in range(4):
    r, rest = read_response(s, buf=rest)
    got.append(r.status)
tail, closed = recv_all(s, 3)
t.eq("pipelining: 4 responses in request order", [200, 200, 404, 200], got)
t.check("Connection: close honoured after the last pipelined reply", closed and tail == b"", (closed, tail))
s.close()

# Expect: 100-continue and a chunked body that reaches the route (401: no token)
s = connect(p)
s.sendall(b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
r, rest = read_response(s)
t.eq("Expect: 100-continue answered", 100, r.status)
s.sendall(b"{}")
r, rest = read_response(s, buf=rest)
t.eq("body after 100 Continue reaches the route (401 without token)", 401, r.status)
s.close()
r = request(p, "POST", "/tools/invoke", b"7\r\n{\"tool\"\r\n8\r\n:\"exec\"}\r\n0\r\n\r\n",
            {"Transfer-Encoding": "chunked", "Authorization": "Bearer " + gw.token})
t.check("chunked body decoded; exec over HTTP is refused (403, layer and key named)",
        r.status == 403 and r.json()["key"] == "gateway.http_tools_exec", (r.status, r.body))

def bad(name, data, status, why_re=None):
    out, closed = raw(p, data)
    line = out.split(b"\r\n", 1)[0].decode("latin-1")
    ok = line.startswith("HTTP/1.1 %d " % status) and closed
    if why_re and ok:
        ok = re.search(why_re, out.decode("latin-1")) is not None
    t.check(name, ok, "status line %r closed=%s body=%r" % (line, closed, out[-120:]))

bad("malformed request line -> 400, closed", b"GARBAGE\r\n\r\n", 400, "no target")
bad("request line without version -> 400", b"GET /\r\nHost: x\r\n\r\n", 400, "HTTP version")
bad("HTTP/2.0 request line -> 505", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)
bad("control byte in request line -> 400", b"GET /\x01 HTTP/1.1\r\n\r\n", 400, "control byte")
bad("bare LF -> 400", b"GET / HTTP/1.1\nHost: x\n\n", 400, "bare LF")
bad("absolute-form target -> 400", b"GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "origin-form")
bad("HTTP/1.1 without Host -> 400", b"GET / HTTP/1.1\r\n\r\n", 400, "Host")
bad("request line over 4 KiB -> 414", b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)
bad("header section over 16 KiB -> 431", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n", 431)
bad("more than 64 header fields -> 431",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(80)) + b"\r\n", 431)
bad("obsolete line folding -> 400", b"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400, "folding")
bad("space before colon -> 400", b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400)
bad("Content-Length plus Transfer-Encoding -> 400",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "both")
bad("conflicting Content-Length -> 400",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400)
bad("gzip transfer coding -> 501", b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501)
bad("bad chunk size -> 400",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, "hexadecimal")
bad("chunk longer than its size -> 400",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n", 400, "longer than its size")
bad("chunk size overflow -> 400/413",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413)
bad("chunked body over 1 MiB -> 413",
    b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413)
bad("Content-Length over 1 MiB -> 413", b"POST /tools/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413)
r = request(p, "POST", "/tools/invoke", "not json", {"Authorization": "Bearer " + gw.token})
t.eq("non-JSON body -> 400 invalid_request", (400, "invalid_request"), (r.status, r.json()["error"]["code"]))
r = request(p, "POST", "/tools/invoke", '{"tool":""}', {"Authorization": "Bearer " + gw.token})
t.eq("empty tool name -> 400", 400, r.status)
r = request(p, "POST", "/v1/chat/completions", "{}")
t.eq("/v1/chat/completions is 404 while openai_http=false", 404, r.status)

# slowloris: a head trickling in must be cut off at the header deadline (1.5 s here)
s = connect(p)
start = time.monotonic()
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
got, closed = b"", False
try:
    for i in range(40):
        s.sendall(b"X-%d: y\r\n" % i)
        time.sleep(0.2)
except (BrokenPipeError, ConnectionResetError):
    closed = True
got, closed2 = recv_all(s, 3)
elapsed = time.monotonic() - start
t.check("slowloris: 408 and closed at the header deadline",
        got.startswith(b"HTTP/1.1 408 ") and (closed or closed2) and 1.3 < elapsed < 5, (got[:60], closed, elapsed))
s.close()
s = connect(p)
start = time.monotonic()
got, closed = recv_all(s, 5)
t.check("silent connection dropped at the header deadline", closed and time.monotonic() - start < 3, (got, closed))

r = request(p, "GET", "/healthz")
t.eq("server carries on after every bad request", 200, r.status)
t.check("every rejection logged as one http.reject line", gw.log().count("event=http.reject") >= 20, gw.log()[-300:])
t.eq("gateway still running", None, gw.proc.poll())
gw.stop()
raise SystemExit(1 if t.failures else 0)
PY
