#!/bin/sh
# gateway_openai: POST /v1/chat/completions ([gateway] openai_http = true) against a scripted
# model — curl without and with streaming (`curl -N`: chunks, finish_reason, [DONE]), the model
# names it accepts, the `user` session, model failures as 502, a client leaving mid-turn, and the
# stock `openai` npm client (test/web/openai_client.js) streaming and not.
SUITE=gateway_openai
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import json, os, subprocess, time
from gateway_lib import *

t = Suite("gateway_openai")
llm = LLM([
    {"kind": "reply", "text": "Plain answer."},                         # 1 curl
    {"kind": "reply", "text": "Streamed answer here.", "split": 4},     # 2 curl -N
    {"kind": "status", "status": 401, "error": "invalid x-api-key"},    # 3 502
    {"kind": "status", "status": 401, "error": "invalid x-api-key"},    # 4 502 while streaming
    {"kind": "slow", "delay": 8, "text": "nobody waits"},               # 5 client leaves
    {"kind": "reply", "text": "From the SDK."},                         # 6 npm
    {"kind": "reply", "text": "SDK streaming works.", "split": 3},      # 7 npm stream
    {"kind": "reply", "text": "Kept alive.", "split": 5},               # 8 keep-alive after a stream
])
gw = Gateway(config="[gateway]\ntoken = oai-token\nopenai_http = true\n" + llm.config())
if not t.check("gateway starts", gw.port, gw.log()[-300:]):
    raise SystemExit(1)
base = "http://127.0.0.1:%d" % gw.port

def curl(body, *extra):
    cmd = ["curl", "-sS", "-D", "-", "-H", "Authorization: Bearer oai-token", "-H", "Content-Type: application/json",
           "--data", json.dumps(body)] + list(extra) + [base + "/v1/chat/completions"]
    out = subprocess.run(cmd, capture_output=True, timeout=30).stdout.decode()
    head, _, rest = out.partition("\r\n\r\n")
    status = int(head.split()[1]) if head.startswith("HTTP/") else 0
    return status, head.lower(), rest

# 1. non-streaming
st, head, body = curl({"model": "chela", "messages": [{"role": "system", "content": "be brief"},
                                                      {"role": "user", "content": "hello"}]})
j = json.loads(body) if st == 200 else {}
t.check("curl: chat.completion with the reply", st == 200 and j.get("object") == "chat.completion" and
        j["choices"][0]["message"] == {"role": "assistant", "content": "Plain answer."} and
        j["choices"][0]["finish_reason"] == "stop" and j["id"].startswith("chatcmpl-") and j["model"] == "chela",
        (st, body[:300]))
t.check("curl: usage counts", j.get("usage", {}).get("total_tokens", 0) ==
        j.get("usage", {}).get("prompt_tokens", -1) + j.get("usage", {}).get("completion_tokens", -1) > 0, j.get("usage"))
sent = llm.requests()[-1]["body"]["messages"]
t.check("the turn's message is the last user message", sent[-1]["role"] == "user" and "hello" in json.dumps(sent[-1]), sent[-1])

# 2. streaming with curl -N
st, head, body = curl({"model": "chela", "stream": True, "stream_options": {"include_usage": True},
                       "messages": [{"role": "user", "content": "stream it"}]}, "-N")
t.check("curl -N: 200 text/event-stream, chunked", st == 200 and "content-type: text/event-stream" in head and
        "transfer-encoding: chunked" in head, head)
events = [l[6:] for l in body.split("\n") if l.startswith("data: ")]
t.eq("curl -N: the stream ends with data: [DONE]", "[DONE]", events[-1] if events else None)
chunks = [json.loads(e) for e in events[:-1]]
text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
t.check("curl -N: several chat.completion.chunk deltas adding up to the reply", len(chunks) >= 4 and
        all(c["object"] == "chat.completion.chunk" for c in chunks) and text == "Streamed answer here.", (len(chunks), text))
t.check("curl -N: role in the first chunk, finish_reason stop in the last choice chunk, then usage",
        chunks and chunks[0]["choices"][0]["delta"].get("role") == "assistant" and
        [c for c in chunks if c["choices"]][-1]["choices"][0]["finish_reason"] == "stop" and
        chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0, chunks[-2:])
t.check("curl -N: every chunk carries the same id", len({c["id"] for c in chunks}) == 1, {c["id"] for c in chunks})

# 3. model names
n = len(llm.requests())
st, _, body = curl({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})
t.check("model gpt-4o -> 400 naming chela and chela/<agent>", st == 400 and "chela/<agent>" in body and
        json.loads(body)["error"]["type"] == "invalid_request_error", (st, body))
st, _, body = curl({"model": "chela/ghost", "messages": [{"role": "user", "content": "x"}]})
t.check("model chela/ghost (no such agent) -> 400", st == 400 and "ghost" in body, (st, body))
st, _, body = curl({"model": "chela", "messages": [{"role": "assistant", "content": "x"}]})
t.eq("no user message -> 400", 400, st)
st, _, body = curl({"model": "chela", "messages": "hi"})
t.eq("messages not an array -> 400", 400, st)
t.eq("refused requests never reach the model", n, len(llm.requests()))

# 4. model failures
st, _, body = curl({"model": "chela", "messages": [{"role": "user", "content": "fail"}]})
t.check("model 401 -> 502 with the model's sentence", st == 502 and "401" in json.loads(body)["error"]["message"], (st, body))
st, head, body = curl({"model": "chela", "stream": True, "messages": [{"role": "user", "content": "fail"}]}, "-N")
t.check("streaming, model fails before any text -> plain 502 JSON, not a broken stream", st == 502 and
        "application/json" in head and "401" in body, (st, body[:200]))

# 5. a client that leaves mid-turn cancels it
s = connect(gw.port)
req = json.dumps({"model": "chela", "stream": True, "messages": [{"role": "user", "content": "slow"}]})
s.sendall(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer oai-token\r\n"
           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(req), req)).encode())
time.sleep(0.5)
s.close()
deadline = time.monotonic() + 3
while time.monotonic() < deadline and "status=aborted" not in gw.log():
    time.sleep(0.05)
t.check("client gone mid-turn -> the turn is aborted within 3 s", "event=openai.turn" in gw.log() and
        "status=aborted" in gw.log(), gw.log()[-400:])

# 6. the stock openai npm client
top = os.environ.get("CHELA_TOP", ".")
if subprocess.run(["sh", os.path.join(top, "test/web/setup.sh")], capture_output=True).returncode != 0:
    t.fail("openai npm client", "test/web/setup.sh could not install the npm packages")
else:
    out = subprocess.run(["node", os.path.join(top, "test/web/openai_client.js"), base + "/v1", "oai-token"],
                         capture_output=True, timeout=60)
    print(out.stdout.decode(), end="", flush=True)
    if out.returncode != 0 and b"not ok" not in out.stdout:
        t.fail("openai npm client", out.stderr.decode()[-300:])

# 7. a streamed reply is properly framed: the same connection serves the next request
s = connect(gw.port)
req = json.dumps({"model": "chela", "stream": True, "user": "ka", "messages": [{"role": "user", "content": "ka"}]})
s.sendall(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer oai-token\r\n"
           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(req), req)).encode())
buf = recv_until(s, b"\r\n0\r\n\r\n")
head, _, rest = buf.partition(b"\r\n\r\n")
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
r2, _ = read_response(s, buf=rest.split(b"\r\n0\r\n\r\n", 1)[1])
s.close()
t.check("keep-alive: after the stream's last chunk the connection answers the next request",
        b"keep-alive" in head.lower() and b"Kept " in rest and b"[DONE]" in rest and r2.status == 200,
        (head[:200], rest[-80:]))

# 8. the user field picks the session
w = ws_ready(gw.port, "oai-token")
r = w.call("sessions.list", rid="l")
keys = sorted(x["key"] for x in r["payload"]["sessions"])
t.check("user 'sdk' -> session agent:main:openai:sdk; no user -> agent:main:openai:default",
        "agent:main:openai:sdk" in keys and "agent:main:openai:default" in keys, keys)
r = w.call("chat.history", {"sessionKey": "agent:main:openai:sdk"}, rid="h")
t.eq("the SDK's turns are in that session's transcript", ["user", "assistant", "user", "assistant"],
     [m["role"] for m in r["payload"]["messages"]])
w.close()
t.check("the gateway is still up", request(gw.port, "GET", "/healthz").status == 200, "")
t.eq("SIGTERM -> exit 0", 0, gw.stop())
llm.stop()
PY
