#!/bin/sh
# agent_crash: kill -9 `chela agent` mid-turn and run again. The transcript keeps everything up
# to the kill (the question was durable before the model was asked), a torn last line (what a
# crash mid-write leaves) is skipped with a warning, a tool call cut off by the kill is
# answered with an error for the model, and the next turn works and sees the history.
SUITE=agent_crash
. "$CHELA_TOP/test/lib.sh"
PYTHONPATH="$CHELA_TOP/test/integration" python3 - <<'PY'
import json, os, signal, subprocess, time
from agent_lib import Suite, Model, Env, tool_results, user_texts

t = Suite("agent_crash")
for p in ("anthropic", "openai"):
    m = Model(p, [{"kind": "reply", "text": "First answer."},
                  {"kind": "slow", "delay": 6, "text": "never delivered"},
                  {"kind": "reply", "text": "Back again."},
                  {"kind": "tools", "calls": [{"id": "slp", "name": "exec",
                                               "arguments": json.dumps({"command": "sleep 5; echo done"})}]},
                  {"kind": "reply", "text": "Recovered."}])
    env = Env(m)
    r = env.agent("first")
    t.eq(p + ": first turn acknowledged", 0, r.returncode)

    # --- killed while the model is thinking ---
    proc = subprocess.Popen(env.cmd("second"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if len(m.requests()) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:
        msgs = env.messages()
        ok = [(e["role"], e["content"]) for e in msgs] == [("user", "first"), ("assistant", "First answer."),
                                                          ("user", "second")]
    except ValueError as e:
        ok, msgs = False, repr(e)
    t.check(p + ": after kill -9 mid-model the transcript is valid and intact", ok, msgs)

    # --- a torn last line, as a crash in the middle of a write leaves it ---
    with open(env.transcript_path(), "a") as f:
        f.write('{"type":"message","role":"assistant","content":"half a li')
    r = env.agent("third")
    t.check(p + ": the torn line is skipped with a warning", "torn last line" in r.stderr, r.stderr)
    t.eq(p + ": the next turn works", (0, "Back again.\n"), (r.returncode, r.stdout))
    t.eq(p + ": it sees the history up to the crash", ["first", "second", "third"],
         user_texts(m.requests()[2], p) if len(m.requests()) > 2 else None)
    try:
        env.transcript()
        t.ok(p + ": the transcript is valid JSONL again (the fragment was cut)")
    except ValueError as e:
        t.fail(p + ": the transcript is valid JSONL again (the fragment was cut)", e)

    # --- killed while a tool runs ---
    proc = subprocess.Popen(env.cmd("fourth"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(200):
        if any(e["role"] == "assistant" and e.get("toolCalls") for e in env.messages()[-2:]):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r = env.agent("fifth")
    reqs = m.requests()
    res = tool_results(reqs[-1], p)
    t.check(p + ": the interrupted call is answered with an error for the model",
            r.returncode == 0 and r.stdout == "Recovered.\n" and len(res) == 1 and res[0][0] == "slp" and
            "interrupted" in res[0][1], (r.returncode, r.stderr, res))
    m.stop(); env.cleanup()
raise SystemExit(1 if t.failures else 0)
PY
