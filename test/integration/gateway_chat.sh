#!/bin/sh
# gateway_chat: the chat methods against a scripted model (test/llm/llm_server.py), over real
# WebSockets — chat.send streams deltas then a final, a tool call gives agent start/end events
# with where it ran, chat.history / sessions.list / sessions.reset read the transcript store,
# chat.abort and a client that disconnects stop a slow turn quickly, a model failure is an error
# event and the next turn still works; then POST /tools/invoke (policy, exec over HTTP, SIGHUP)
# and sandbox.explain.
SUITE=gateway_chat
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" exec python3 - <<'PY'
import json, os, signal, subprocess, time
from gateway_lib import *

t = Suite("gateway_chat")
TOOL_ARGS = '{"path":"hello.txt"}'
llm = LLM([
    {"kind": "reply", "text": "Hello from the scripted model."},                                  # 1 plain
    {"kind": "tools", "text": "", "calls": [{"id": "call_1", "name": "read", "arguments": TOOL_ARGS}]},
    {"kind": "reply", "text": "The file says hi."},                                               # 2 tool
    {"kind": "slow", "delay": 8, "text": "too late"},                                             # 3 abort
    {"kind": "status", "status": 401, "error": "invalid x-api-key"},                              # 4 401
    {"kind": "reply", "text": "Back again."},                                                     # 5 after
    {"kind": "garbage", "body": "<html>not json</html>"},                                         # 6 garbage
    {"kind": "reply", "text": "Still here."},                                                     # 7 after
    {"kind": "slow", "delay": 8, "text": "nobody listens"},                                       # 8 disconnect
] + [{"kind": "slow", "delay": 8, "text": "pool filler"}] * 16 + [                                  # 9 sixteen turns at once
    {"kind": "slow", "delay": 8, "text": "cut by SIGTERM"},                                       # 10 shutdown
])
gw = Gateway(config="[gateway]\ntoken = chat-token\n" + llm.config())
if not t.check("gateway starts with a model configured", gw.port, gw.log()[-400:]):
    raise SystemExit(1)
p = gw.port
os.makedirs(os.path.join(gw.state, "workspace"), exist_ok=True)
with open(os.path.join(gw.state, "workspace", "hello.txt"), "w") as f:
    f.write("hi\n")
w = ws_ready(p, "chat-token")
t.eq("hello-ok names the main session", "agent:main:main",
     w.hello["payload"]["snapshot"].get("sessionDefaults", {}).get("mainSessionKey"))

def send(w, msg, rid, **extra):
    params = {"sessionKey": "main", "message": msg, "idempotencyKey": "idem-" + rid}
    params.update(extra)
    w.send_json({"type": "req", "id": rid, "method": "chat.send", "params": params})
    return ws_collect(w, is_chat_end, timeout=20)

def split(frames, rid):
    res = [f for f in frames if f.get("type") == "res" and f.get("id") == rid]
    chat = [f["payload"] for f in frames if f.get("event") == "chat"]
    agent = [f["payload"] for f in frames if f.get("event") == "agent"]
    return (res[0] if res else None), chat, agent

# 1. a plain streamed reply
fr = send(w, "hello", "s1")
res, chat, _ = split(fr, "s1")
t.check("chat.send answers at once with {runId, status: started}", res and res["ok"] and
        res["payload"]["status"] == "started" and len(res["payload"]["runId"]) >= 16, res)
t.check("the answer comes before the first event", fr[0].get("type") == "res", fr[0])
run1 = res["payload"]["runId"] if res else ""
deltas = [c for c in chat if c["state"] == "delta"]
final = chat[-1]
t.check("deltas stream (several, in seq order) then one final", len(deltas) >= 3 and final["state"] == "final" and
        [c["seq"] for c in chat] == sorted(c["seq"] for c in chat), [c["state"] for c in chat])
t.eq("deltas add up to the final message", ("Hello from the scripted model.",) * 2,
     ("".join(d["delta"] for d in deltas), final["message"]["content"][0]["text"]))
t.check("events carry runId and the canonical sessionKey", all(c["runId"] == run1 and
        c["sessionKey"] == "agent:main:main" for c in chat), chat[:2])
t.check("final carries usage", final.get("usage", {}).get("output", 0) > 0, final)

# 2. a tool call
fr = send(w, "what does hello.txt say?", "s2")
res, chat, agent = split(fr, "s2")
t.eq("tool call: agent events start then end", ["start", "end"], [a["data"]["phase"] for a in agent])
if len(agent) == 2:
    st, en = agent[0]["data"], agent[1]["data"]
    t.check("agent start: stream tool, name, toolCallId, args, where host", agent[0]["stream"] == "tool" and
            st["name"] == "read" and st["toolCallId"] == "call_1" and st["args"] == {"path": "hello.txt"} and
            st["where"] == "host", st)
    t.check("agent end: result, isError false, where host, durationMs", en["result"].get("content") == "hi\n" and
            en["isError"] is False and en["where"] == "host" and en["durationMs"] >= 0, en)
t.eq("the reply after the tool", "The file says hi.", chat[-1].get("message", {}).get("content", [{}])[0].get("text"))
body = llm.requests()[-1]["body"]
t.check("the model saw the tool result", any(m.get("role") == "tool" for m in body.get("messages", [])), body)

# idempotent retry: same key → the same run, not a new turn
r = w.call("chat.send", {"sessionKey": "main", "message": "hello", "idempotencyKey": "idem-s1"}, rid="s1b")
t.eq("chat.send retried with the same idempotencyKey points at the first run", (True, run1, "ok"),
     (r["ok"], r["payload"].get("runId"), r["payload"].get("status")))

# history, list
r = w.call("chat.history", {"sessionKey": "main"}, rid="h1")
msgs = r["payload"]["messages"] if r["ok"] else []
t.eq("chat.history returns the turns in order", ["user", "assistant", "user", "assistant", "toolResult", "assistant"],
     [m["role"] for m in msgs])
if len(msgs) == 6:
    t.check("history: tool call and its result (with where)", msgs[3]["content"][0]["type"] == "toolCall" and
            msgs[3]["content"][0]["name"] == "read" and msgs[4]["toolCallId"] == "call_1" and msgs[4]["where"] == "host",
            msgs[3:5])
r = w.call("chat.history", {"sessionKey": "main", "limit": 2}, rid="h2")
t.eq("chat.history limit keeps the newest", ["toolResult", "assistant"], [m["role"] for m in r["payload"]["messages"]])
r = w.call("sessions.list", rid="l1")
t.check("sessions.list shows the session", r["ok"] and any(s["key"] == "agent:main:main" and s["messages"] == 6
                                                           for s in r["payload"]["sessions"]), r)

# 3. chat.abort during a slow turn
w.send_json({"type": "req", "id": "s3", "method": "chat.send", "params": {"sessionKey": "main", "message": "slow one"}})
res = ws_collect(w, lambda f: f.get("id") == "s3", timeout=10)[-1]
time.sleep(0.3)
t0 = time.monotonic()
w.send_json({"type": "req", "id": "a1", "method": "chat.abort", "params": {"sessionKey": "main"}})
fr = ws_collect(w, is_chat_end, timeout=10)
took = time.monotonic() - t0
ab = [f for f in fr if f.get("id") == "a1"]
t.check("chat.abort answers {aborted: true, runIds}", ab and ab[0]["ok"] and ab[0]["payload"]["aborted"] and
        ab[0]["payload"]["runIds"] == [res["payload"]["runId"]], ab)
t.check("the slow turn ends as aborted within 2 s (the model still sleeps)", fr[-1]["payload"]["state"] == "aborted" and
        took < 2, (fr[-1]["payload"], took))
r = w.call("chat.abort", {"sessionKey": "main"}, rid="a2")
t.eq("chat.abort with nothing running: aborted false", (True, False), (r["ok"], r["payload"]["aborted"]))

# 4. the model refuses (401): an error event with its sentence; the next turn works
fr = send(w, "this will fail", "s4")
res, chat, _ = split(fr, "s4")
t.check("model 401 -> chat error event naming the failure", chat[-1]["state"] == "error" and
        "401" in chat[-1]["errorMessage"], chat[-1])
fr = send(w, "again", "s5")
t.eq("the next turn after a model error works", "Back again.", split(fr, "s5")[1][-1].get("message", {}).get("content", [{}])[0].get("text"))
fr = send(w, "garbage please", "s6")
t.check("model answers garbage -> chat error event", split(fr, "s6")[1][-1]["state"] == "error", split(fr, "s6")[1][-1])
fr = send(w, "and again", "s7")
t.eq("the next turn after garbage works", "Still here.", split(fr, "s7")[1][-1].get("message", {}).get("content", [{}])[0].get("text"))

# 5. a client that goes away cancels its turn
w2 = ws_ready(p, "chat-token")
w2.send_json({"type": "req", "id": "s8", "method": "chat.send", "params": {"sessionKey": "work", "message": "slow, then gone"}})
ws_collect(w2, lambda f: f.get("id") == "s8", timeout=10)
time.sleep(0.2)
w2.close()
deadline = time.monotonic() + 3
while time.monotonic() < deadline and 'session="agent:main:work" status=aborted' not in gw.log():
    time.sleep(0.05)
t.check("client disconnect aborts its running turn within 3 s", "session=\"agent:main:work\" status=aborted" in gw.log(),
        gw.log()[-500:])

# 6. sessions.reset
r = w.call("sessions.reset", {"key": "main", "sessionKey": "main"}, rid="x1")
t.eq("sessions.reset -> ok with the canonical key", (True, "agent:main:main"), (r["ok"], r["payload"].get("key")))
r = w.call("chat.history", {"sessionKey": "main"}, rid="h3")
t.eq("history is empty after the reset", [], r["payload"]["messages"])
r = w.call("chat.send", {"sessionKey": "agent:work:x", "agentId": "main", "message": "hi"}, rid="bad1")
t.eq("sessionKey of another agent than agentId -> invalid_request", (False, "invalid_request"), (r["ok"], r["error"]["code"]))
r = w.call("chat.history", {"agentId": "ghost"}, rid="bad2")
t.eq("unknown agent -> not_found", (False, "not_found"), (r["ok"], r["error"]["code"]))

# 7. sandbox.explain
r = w.call("sandbox.explain", {"sessionKey": "agent:main:telegram:group:7"}, rid="e1")
t.check("sandbox.explain answers for the session", r["ok"] and r["payload"]["session"] == "agent:main:telegram:group:7" and
        "sandboxed" in r["payload"] and "container" in r["payload"], r)
cli = subprocess.run([CHELA, "sandbox", "explain", "--json", "--config", gw.config_path, "--state", gw.state,
                      "--session", "agent:main:telegram:group:7"], capture_output=True)
try:
    doc = json.loads(cli.stdout)
except ValueError:
    doc = {}
t.check("sandbox.explain is the document `chela sandbox explain --json` prints (tool policy included)", r["ok"] and
        doc.get("tools") and {k: v for k, v in r["payload"].items() if k != "container"} ==
        {k: v for k, v in doc.items() if k != "container"}, (cli.stderr[-200:], r.get("payload", {}).get("tools")))

# 8. POST /tools/invoke
H = {"Authorization": "Bearer chat-token", "Content-Type": "application/json"}
r = request(p, "POST", "/tools/invoke", '{"tool":"read","args":{"path":"hello.txt"},"sessionKey":"main"}', H)
t.check("/tools/invoke read -> 200 with the file", r.status == 200 and r.json().get("content") == "hi\n", (r.status, r.body))
r = request(p, "POST", "/tools/invoke", '{"tool":"exec","args":{"command":"id"}}', H)
j = r.json() if r.status == 403 else {}
t.check("/tools/invoke exec -> 403 naming the layer and key", r.status == 403 and j.get("layer") == "gateway" and
        j.get("key") == "gateway.http_tools_exec" and "http_tools_exec" in j.get("error", ""), (r.status, r.body))
r = request(p, "POST", "/tools/invoke", '{"tool":"process","args":{"action":"list"}}', H)
t.eq("/tools/invoke process -> 403 too", 403, r.status)
r = request(p, "POST", "/tools/invoke", '{"tool":"teleport","args":{}}', H)
t.eq("/tools/invoke unknown tool -> 404", 404, r.status)
r = request(p, "POST", "/tools/invoke", '{"tool":"read",', H)
t.eq("/tools/invoke bad JSON -> 400", 400, r.status)
r = request(p, "POST", "/tools/invoke", '{"tool":"read","args":{"path":"x"},"agentId":"ghost"}', H)
t.eq("/tools/invoke unknown agent -> 404", 404, r.status)
with open(gw.config_path, "a") as f:
    f.write("\n[gateway]\nhttp_tools_exec = true\n[tools]\ndeny = write\n")
gw.proc.send_signal(signal.SIGHUP)
time.sleep(0.4)
r = request(p, "POST", "/tools/invoke", '{"tool":"exec","args":{"command":"echo hi-from-exec"}}', H)
t.check("http_tools_exec = true (SIGHUP): exec runs", r.status == 200 and "hi-from-exec" in r.body.decode(), (r.status, r.body))
r = request(p, "POST", "/tools/invoke", '{"tool":"write","args":{"path":"y","content":"z"}}', H)
j = r.json() if r.status == 403 else {}
t.check("a tool denied by policy -> 403 naming its layer and key", r.status == 403 and "tools.deny" in j.get("key", ""),
        (r.status, r.body))

t.check("the gateway is still up after all of it", request(p, "GET", "/healthz").status == 200, "")
t.check("no crash or sanitizer report in the log", "AddressSanitizer" not in gw.log() and "runtime error" not in gw.log(), "")
# 9. every worker busy with a slow turn: chat.abort is still answered at once and stops them
for i in range(16):
    w.send_json({"type": "req", "id": "p%d" % i, "method": "chat.send", "params": {"sessionKey": "pool%d" % i, "message": "fill"}})
# Their answers come from different workers, so they may arrive in any order: wait for all 16,
# or a late one would be taken for chat.abort's answer below.
pending = set("p%d" % i for i in range(16))
ws_collect(w, lambda f: pending.discard(f.get("id")) or not pending, timeout=10)
time.sleep(0.3)
t0 = time.monotonic()
r = w.call("chat.abort", {"sessionKey": "pool3"}, rid="pa")
t.check("16 turns running at once: chat.abort answers within 0.5 s", r.get("ok") and r.get("payload", {}).get("aborted") and
        time.monotonic() - t0 < 0.5, (r, time.monotonic() - t0))
for i in range(16):
    if i != 3:
        w.call("chat.abort", {"sessionKey": "pool%d" % i}, rid="pa%d" % i)
deadline = time.monotonic() + 5
while time.monotonic() < deadline and gw.log().count("status=aborted") < 18:
    time.sleep(0.05)
t.eq("all 16 turns end aborted", 18, gw.log().count("status=aborted"))

w.send_json({"type": "req", "id": "s9", "method": "chat.send", "params": {"sessionKey": "main", "message": "slow, then stop"}})
ws_collect(w, lambda f: f.get("id") == "s9", timeout=10)
t0 = time.monotonic()
rc = gw.stop()
took = time.monotonic() - t0
# aborted turns so far: chat.abort, the disconnect, the 16 of the full pool, and now this one
t.check("SIGTERM during a turn: exit 0 within 1.5 s, the turn aborted", rc == 0 and took < 1.5 and
        gw.log().count("status=aborted") == 19, (rc, took, gw.log()[-300:]))
w.close()
llm.stop()
PY
