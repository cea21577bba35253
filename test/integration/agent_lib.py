"""test/integration/agent_lib.py — helpers for the `chela agent` tests: a scripted model
(test/llm/llm_server.py) per scenario, a throwaway state dir with a chela.ini pointing at it,
running `chela agent`, and reading back transcripts and the requests the model received.

    m = Model("anthropic", [{"kind": "reply", "text": "hi"}])
    env = Env(m)                     # state dir + chela.ini ([model] at m)
    r = env.agent("hello")           # CompletedProcess: returncode, stdout, stderr
    env.transcript()                 # the main session's JSONL lines, parsed (raises on bad JSON)
    m.requests()                     # every request body the model saw
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gateway_lib import Suite  # noqa: E402,F401  (re-exported for the test scripts)

TOP = os.environ.get("CHELA_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
BIN = os.environ.get("CHELA_BIN", os.path.join(TOP, "build/chela"))
SERVER = os.path.join(TOP, "test/llm/llm_server.py")


class Model:
    def __init__(self, provider, turns, certs=None):
        self.provider = provider
        self.dir = tempfile.mkdtemp(prefix="chela-model-")
        self.log = os.path.join(self.dir, "requests.jsonl")
        self.tls = certs is not None
        script = os.path.join(self.dir, "script.json")
        with open(script, "w") as f:
            json.dump(turns, f)
        portf = os.path.join(self.dir, "port")
        args = [sys.executable, SERVER, "--provider", provider, "--script", script, "--port-file", portf,
                "--log", self.log]
        if certs:
            args += ["--cert", os.path.join(certs, "localhost.pem"), "--key", os.path.join(certs, "localhost.key")]
        self.proc = subprocess.Popen(args)
        for _ in range(100):
            if os.path.exists(portf):
                break
            time.sleep(0.05)
        with open(portf) as f:
            self.port = int(f.read())
        self.url = ("https://localhost:%d" if self.tls else "http://127.0.0.1:%d") % self.port

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line)["body"] for line in f if line.strip()]

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Env:
    def __init__(self, model, extra="", timeout_s=30, ca_file=None):
        self.state = tempfile.mkdtemp(prefix="chela-agent-")
        self.ini = os.path.join(self.state, "chela.ini")
        lines = ["[model]", "provider = %s" % model.provider, "model = test-model", "base_url = %s" % model.url,
                 "api_key = test-key", "timeout_s = %d" % timeout_s]
        if ca_file:
            lines.append("ca_file = %s" % ca_file)
        with open(self.ini, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)

    def cmd(self, message, *args):
        return [BIN, "agent", "--config", self.ini, "--state", self.state, "--message", message] + list(args)

    def agent(self, message, *args, timeout=60):
        return subprocess.run(self.cmd(message, *args), capture_output=True, text=True, timeout=timeout)

    def sessions_dir(self, agent="main"):
        return os.path.join(self.state, "agents", agent, "sessions")

    def index(self, agent="main"):
        with open(os.path.join(self.sessions_dir(agent), "sessions.json")) as f:
            return json.load(f)

    def transcript_path(self, key="agent:main:main", agent="main"):
        return os.path.join(self.sessions_dir(agent), self.index(agent)[key]["sessionId"] + ".jsonl")

    def transcript(self, key="agent:main:main", agent="main"):
        """Every line parsed; a line that is not JSON raises (the file must be valid JSONL)."""
        with open(self.transcript_path(key, agent)) as f:
            return [json.loads(line) for line in f.read().splitlines()]

    def messages(self, key="agent:main:main", agent="main"):
        return [e for e in self.transcript(key, agent) if e.get("type") == "message"]

    def cleanup(self):
        shutil.rmtree(self.state, ignore_errors=True)


def tool_results(body, provider):
    """The tool results in a request body, in order, as (call id, content text)."""
    out = []
    for m in body.get("messages", []):
        if provider == "openai" and m.get("role") == "tool":
            out.append((m.get("tool_call_id"), m.get("content")))
        if provider == "anthropic" and isinstance(m.get("content"), list):
            for b in m["content"]:
                if b.get("type") == "tool_result":
                    out.append((b.get("tool_use_id"), b.get("content")))
    return out


def user_texts(body, provider):
    """The user's own messages (not tool results) in a request body."""
    out = []
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        c = m.get("content")
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list):
            out += [b["text"] for b in c if b.get("type") == "text"]
    return out
