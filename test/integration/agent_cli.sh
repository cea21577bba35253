#!/bin/sh
# agent_cli: `chela agent` end to end against the scripted model server, for both providers —
# plain and streamed replies, a tool loop on the host (write then read), parallel calls,
# invalid tool arguments told to the model, retries (429 with retry-after, 500 twice), a
# truncated stream, garbage JSON, the [model] timeout_s deadline, TLS with a throwaway CA,
# and the transcripts on disk (valid JSONL, durable, seen by the next turn).
SUITE=agent_cli
. "$CHELA_TOP/test/lib.sh"
certs=$(mktemp -d /tmp/chela-agent-certs.XXXXXX)
trap 'rm -rf "$certs"' EXIT
sh "$CHELA_TOP/test/llm/make_certs.sh" "$certs" || { t_fail "make_certs" "openssl failed"; exit 1; }
CERTS=$certs PYTHONPATH="$CHELA_TOP/test/integration" python3 - <<'PY'
import json, os, time
from agent_lib import Suite, Model, Env, tool_results, user_texts

t = Suite("agent_cli")
CERTS = os.environ["CERTS"]


def scenario(provider, turns, **kw):
    certs = kw.pop("certs", None)
    m = Model(provider, turns, certs=certs)
    return m, Env(m, **kw)


def valid_jsonl(env, key="agent:main:main"):
    try:
        env.transcript(key)
        return True
    except (ValueError, OSError, KeyError) as e:
        return repr(e)


for p in ("anthropic", "openai"):
    # --- plain reply (not streamed) ---
    m, env = scenario(p, [{"kind": "reply", "text": "Hello there."}])
    r = env.agent("hi", "--no-stream")
    t.eq(p + ": plain reply on stdout, exit 0", (0, "Hello there.\n"), (r.returncode, r.stdout))
    reqs = m.requests()
    t.check(p + ": plain request is not streamed", len(reqs) == 1 and not reqs[0].get("stream"), reqs)
    msgs = env.messages()
    t.eq(p + ": transcript holds the user message and the reply",
         [("user", "hi"), ("assistant", "Hello there.")], [(e["role"], e["content"]) for e in msgs])
    t.check(p + ": index counts the messages", env.index()["agent:main:main"]["messages"] == 2, env.index())
    m.stop(); env.cleanup()

    # --- streamed reply ---
    m, env = scenario(p, [{"kind": "reply", "text": "Streaming works fine.", "split": 3}])
    r = env.agent("stream please")
    t.eq(p + ": streamed reply on stdout", (0, "Streaming works fine.\n"), (r.returncode, r.stdout))
    t.check(p + ": streamed request asks for a stream", m.requests()[0].get("stream") is True, m.requests())
    m.stop(); env.cleanup()

    # --- a tool loop on the host (main session): write, then read, then reply; then a 2nd turn ---
    turns = [
        {"kind": "tools", "text": "Writing it.", "calls": [{"id": "w1", "name": "write",
          "arguments": json.dumps({"path": "notes/hello.txt", "content": "hello from the model"})}]},
        {"kind": "tools", "calls": [{"id": "r1", "name": "read", "arguments": json.dumps({"path": "notes/hello.txt"})}]},
        {"kind": "reply", "text": "The file says hello."},
        {"kind": "reply", "text": "I remember."},
    ]
    m, env = scenario(p, turns)
    os.makedirs(os.path.join(env.state, "workspace"))
    with open(os.path.join(env.state, "workspace", "MEMORY.md"), "w") as f:
        f.write("The cat is called Turing.")
    r = env.agent("write a note and read it back")
    t.eq(p + ": tool loop ends with the reply", 0, r.returncode)
    t.check(p + ": reply text streamed around the tool call", r.stdout == "Writing it.\nThe file says hello.\n", r.stdout)
    path = os.path.join(env.state, "workspace", "notes", "hello.txt")
    t.check(p + ": write ran on the host, in the agent workspace",
            os.path.exists(path) and open(path).read() == "hello from the model", r.stderr)
    t.check(p + ": stderr shows each tool start and end with where it ran",
            "[tool] write start (host)" in r.stderr and "[tool] write end (host" in r.stderr and
            "[tool] read end (host" in r.stderr, r.stderr)
    reqs = m.requests()
    res = tool_results(reqs[2], p) if len(reqs) > 2 else []
    t.check(p + ": the read result went back to the model",
            len(res) == 2 and res[1][0] == "r1" and "hello from the model" in res[1][1], res)
    t.check(p + ": the model was offered the policy's tools",
            sorted(x.get("name") or x.get("function", {}).get("name") for x in reqs[0].get("tools", [])) ==
            ["apply_patch", "edit", "exec", "process", "read", "write"], reqs[0].get("tools"))
    system = reqs[0].get("system") if p == "anthropic" else reqs[0]["messages"][0].get("content")
    t.check(p + ": main session prompt comes from the workspace, with MEMORY.md",
            "The cat is called Turing." in (system or ""), system)
    msgs = env.messages()
    t.eq(p + ": transcript order user, assistant+call, tool, assistant+call, tool, assistant",
         ["user", "assistant", "tool", "assistant", "tool", "assistant"], [e["role"] for e in msgs])
    t.check(p + ": tool entries say where they ran", all(e.get("where") == "host" for e in msgs if e["role"] == "tool"), msgs)
    t.check(p + ": transcript is valid JSONL", valid_jsonl(env) is True, valid_jsonl(env))
    r = env.agent("do you remember?")
    reqs = m.requests()
    t.check(p + ": a second turn sees the first",
            r.returncode == 0 and user_texts(reqs[-1], p) == ["write a note and read it back", "do you remember?"] and
            len(tool_results(reqs[-1], p)) == 2, (r.returncode, r.stderr, reqs[-1].get("messages")))
    m.stop(); env.cleanup()

    # --- parallel tool calls in one reply ---
    m, env = scenario(p, [
        {"kind": "tools", "calls": [{"id": "a", "name": "exec", "arguments": json.dumps({"command": "echo first"})},
                                    {"id": "b", "name": "exec", "arguments": json.dumps({"command": "echo second"})}]},
        {"kind": "reply", "text": "Both ran."}])
    r = env.agent("run two")
    res = tool_results(m.requests()[-1], p)
    t.check(p + ": parallel calls both answered, in order",
            r.returncode == 0 and [x[0] for x in res] == ["a", "b"] and "first" in res[0][1] and "second" in res[1][1],
            (r.returncode, r.stderr, res))
    m.stop(); env.cleanup()

    # --- invalid JSON arguments: the model is told and retries ---
    m, env = scenario(p, [
        {"kind": "tools", "calls": [{"id": "bad", "name": "exec", "arguments": "{\"command\": \"echo x\""}]},
        {"kind": "tools", "calls": [{"id": "good", "name": "exec", "arguments": json.dumps({"command": "echo fixed"})}]},
        {"kind": "reply", "text": "Fixed."}])
    r = env.agent("try a tool")
    reqs = m.requests()
    res1 = tool_results(reqs[1], p) if len(reqs) > 1 else []
    t.check(p + ": invalid arguments answered with an error result",
            len(res1) == 1 and res1[0][0] == "bad" and "invalid arguments" in res1[0][1], res1)
    res2 = tool_results(reqs[2], p) if len(reqs) > 2 else []
    t.check(p + ": the model's retry runs", r.returncode == 0 and r.stdout == "Fixed.\n" and
            len(res2) == 2 and "fixed" in res2[1][1], (r.returncode, r.stdout, r.stderr, res2))
    bad = [e for e in env.messages() if e["role"] == "tool" and e.get("toolCallId") == "bad"]
    t.check(p + ": the error result is in the transcript", len(bad) == 1 and bad[0]["isError"] is True, bad)
    m.stop(); env.cleanup()

    # --- 429 with retry-after, then success ---
    m, env = scenario(p, [{"kind": "status", "status": 429, "retry_after": "1", "error": "slow down"},
                          {"kind": "reply", "text": "After the wait."}])
    t0 = time.time()
    r = env.agent("hi")
    dt = time.time() - t0
    t.check(p + ": 429 with retry-after then success", r.returncode == 0 and r.stdout == "After the wait.\n" and
            len(m.requests()) == 2 and dt >= 0.9, (r.returncode, r.stderr, len(m.requests()), dt))
    m.stop(); env.cleanup()

    # --- 500 twice, then success ---
    m, env = scenario(p, [{"kind": "status", "status": 500}, {"kind": "status", "status": 500},
                          {"kind": "reply", "text": "Third time lucky."}])
    r = env.agent("hi")
    t.check(p + ": 500 twice then success", r.returncode == 0 and r.stdout == "Third time lucky.\n" and
            len(m.requests()) == 3, (r.returncode, r.stderr, len(m.requests())))
    m.stop(); env.cleanup()

    # --- truncated stream: a clear error, the transcript intact ---
    m, env = scenario(p, [{"kind": "reply", "text": "An earlier answer."},
                          {"kind": "truncate", "text": "This answer will be cut off somewhere in the middle."}])
    env.agent("first")
    r = env.agent("second")
    t.check(p + ": truncated stream exits 1 with a clear error",
            r.returncode == 1 and "chela agent: model" in r.stderr and "truncat" in r.stderr, (r.returncode, r.stderr))
    msgs = env.messages()
    t.check(p + ": after the truncation the transcript is intact (JSONL, earlier turn, the new question)",
            valid_jsonl(env) is True and [(e["role"], e["content"]) for e in msgs] ==
            [("user", "first"), ("assistant", "An earlier answer."), ("user", "second")], msgs)
    m.stop(); env.cleanup()

    # --- garbage JSON ---
    m, env = scenario(p, [{"kind": "garbage", "body": "<html>definitely not json"}])
    r = env.agent("hi", "--no-stream")
    t.check(p + ": garbage JSON exits 1 with a clear error",
            r.returncode == 1 and "chela agent: model" in r.stderr and r.stdout == "", (r.returncode, r.stdout, r.stderr))
    m.stop(); env.cleanup()

    # --- a slow server past [model] timeout_s ---
    m, env = scenario(p, [{"kind": "slow", "delay": 4, "text": "too late"}], timeout_s=1)
    t0 = time.time()
    r = env.agent("hi")
    dt = time.time() - t0
    t.check(p + ": slow model hits the timeout_s deadline",
            r.returncode == 1 and "timeout_s" in r.stderr and dt < 3.5, (r.returncode, r.stderr, dt))
    m.stop(); env.cleanup()

    # --- TLS with the throwaway CA ---
    m, env = scenario(p, [{"kind": "reply", "text": "Over TLS."}], certs=CERTS,
                      ca_file=os.path.join(CERTS, "ca.pem"))
    r = env.agent("hi")
    t.eq(p + ": reply over TLS with ca_file", (0, "Over TLS.\n"), (r.returncode, r.stdout))
    m.stop(); env.cleanup()

# --- the deadline covers tools: a long exec is cut to what is left of timeout_s ---
m, env = scenario("anthropic", [{"kind": "tools", "calls": [{"id": "z", "name": "exec",
                                                              "arguments": json.dumps({"command": "sleep 30"})}]},
                                {"kind": "reply", "text": "unused"}], timeout_s=2)
t0 = time.time()
r = env.agent("sleep")
dt = time.time() - t0
tools = [e for e in env.messages() if e["role"] == "tool"]
t.check("a tool cannot outlive the turn's deadline", r.returncode == 1 and dt < 6 and "deadline" in r.stderr and
        len(tools) == 1 and "timed out" in tools[0]["content"], (r.returncode, dt, r.stderr, tools))
m.stop(); env.cleanup()

# --- SIGINT while the model thinks: the call is dropped at once, the question kept ---
import signal, subprocess
m, env = scenario("openai", [{"kind": "slow", "delay": 8, "text": "late"}])
proc = subprocess.Popen(env.cmd("hi"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
for _ in range(100):
    if m.requests():
        break
    time.sleep(0.05)
t0 = time.time()
proc.send_signal(signal.SIGINT)
out, err = proc.communicate(timeout=20)
t.check("SIGINT aborts the model call at once (exit 130), the question stays in the transcript",
        proc.returncode == 130 and time.time() - t0 < 2 and [(e["role"], e["content"]) for e in env.messages()] ==
        [("user", "hi")], (proc.returncode, err))
m.stop(); env.cleanup()

# --- /new starts a new transcript, the old one stays ---
m, env = scenario("anthropic", [{"kind": "reply", "text": "one"}, {"kind": "reply", "text": "two"}])
env.agent("before")
old = env.transcript_path()
r = env.agent("/new")
t.check("/new starts a new session", r.returncode == 0 and env.transcript_path() != old and os.path.exists(old) and
        env.messages() == [], (r.stdout, r.stderr))
env.agent("after")
t.eq("the new session does not see the old one", ["after"], user_texts(m.requests()[-1], "anthropic"))
m.stop(); env.cleanup()

# --- exit codes: bad config 78, unknown agent 2, --json ---
m, env = scenario("openai", [{"kind": "reply", "text": "as json"}])
r = env.agent("hi", "--json")
try:
    j = json.loads(r.stdout)
except ValueError:
    j = {}
t.check("--json prints the result object", r.returncode == 0 and j.get("reply") == "as json" and
        j.get("sessionKey") == "agent:main:main" and len(j.get("runId", "")) == 32, r.stdout)
with open(env.ini, "a") as f:
    f.write("[model]\nprovider = nonsense\n")
r = env.agent("hi")
t.eq("invalid config exits 78", 78, r.returncode)
m.stop(); env.cleanup()
raise SystemExit(1 if t.failures else 0)
PY
