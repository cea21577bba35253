"""test/integration/gateway_lib.py — raw-socket helpers for the gateway's integration tests.

Starts the real chela binary on a kernel-chosen port with a temporary state dir, and speaks
HTTP/1.1 and RFC 6455 by hand so tests can send exactly the hostile bytes they mean to.
Results are printed as "ok SUITE: name" / "not ok SUITE: name: why" lines (test/run.sh counts them).
"""
import base64
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time
import atexit

# Children still running when a test dies (an exception mid-suite) would hold the runner's
# output pipe open and hang it: stop them on the way out.
_CHILDREN = []


@atexit.register
def _reap():
    for p in _CHILDREN:
        if p.poll() is None:
            p.kill()

CHELA = os.environ.get("CHELA_BIN") or os.path.join(os.environ.get("CHELA_TOP", "."), "build", "chela")
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Suite:
    def __init__(self, name):
        self.name = name
        self.failures = 0

    def ok(self, what):
        print("ok %s: %s" % (self.name, what), flush=True)

    def fail(self, what, why):
        self.failures += 1
        why = str(why).replace("\n", " ")[:400]
        print("not ok %s: %s: %s" % (self.name, what, why), flush=True)

    def check(self, what, cond, why=""):
        if cond:
            self.ok(what)
        else:
            self.fail(what, why)
        return cond

    def eq(self, what, want, got):
        return self.check(what, want == got, "want %r, got %r" % (want, got))


class Gateway:
    """One chela gateway process on a free port (--port 0; the port comes from its log)."""

    def __init__(self, config=None, env=None, args=(), state=None):
        self.state = state or tempfile.mkdtemp(prefix="chela-gw-")
        self.log_path = os.path.join(self.state, "gateway.log")
        self.out_path = os.path.join(self.state, "gateway.out")
        cmd = [CHELA, "gateway", "--state", self.state, "--port", "0"]
        if config is not None:
            self.config_path = os.path.join(self.state, "chela.ini")
            with open(self.config_path, "w") as f:
                f.write(config)
            cmd += ["--config", self.config_path]
        cmd += list(args)
        e = dict(os.environ)
        e.pop("CHELA_CONFIG", None)
        e.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=open(self.out_path, "w"), stderr=open(self.log_path, "w"), env=e)
        _CHILDREN.append(self.proc)
        self.port = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.proc.poll() is None:
            m = re.search(r"event=gateway.listen .*port=(\d+)", self.log())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.01)
        tf = os.path.join(self.state, "gateway.token")
        self.token = open(tf).read().strip() if os.path.exists(tf) else None

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def out(self):
        with open(self.out_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=5):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def connect(port, src=None, timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src:
        s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def recv_all(s, timeout=5):
    """Read until the server closes (or the timeout); returns (bytes, closed)."""
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True


def recv_until(s, marker, timeout=10):
    """Bytes from s until marker has arrived (or the peer closed)."""
    s.settimeout(timeout)
    data = b""
    while marker not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def raw(port, data, timeout=5, src=None):
    s = connect(port, src)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    out, closed = recv_all(s, timeout)
    s.close()
    return out, closed


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def read_response(s, head_only=False, buf=b""):
    """Parse one response from s (Content-Length framed). Returns (Response, leftover)."""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("connection closed before a response head; got %r" % buf[:200])
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = 0 if head_only or status in (101, 100) else int(headers.get("content-length", "0"))
    while len(buf) < n:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("connection closed inside a body")
        buf += chunk
    return Response(status, headers, buf[:n]), buf[n:]


def request(port, method, path, body=None, headers=None, src=None):
    h = {"Host": "127.0.0.1:%d" % port, "Connection": "close"}
    h.update(headers or {})
    data = body.encode() if isinstance(body, str) else body
    if data is not None and "Transfer-Encoding" not in h:
        h["Content-Length"] = str(len(data))
    req = "%s %s HTTP/1.1\r\n" % (method, path) + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
    s = connect(port, src)
    s.sendall(req.encode() + (data or b""))
    r, _ = read_response(s, head_only=(method == "HEAD"))
    s.close()
    return r


# --- WebSocket -------------------------------------------------------------------------------

def ws_accept(key):
    return base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()


def frame(opcode, payload=b"", fin=True, mask=True, rsv=0, length=None):
    if isinstance(payload, str):
        payload = payload.encode()
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    mbit = 0x80 if mask else 0
    if n < 126:
        hdr = struct.pack("!BB", b0, mbit | n)
    elif n < 65536:
        hdr = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        hdr = struct.pack("!BBQ", b0, mbit | 127, n)
    if not mask:
        return hdr + payload
    key = os.urandom(4)
    return hdr + key + bytes(b ^ key[i & 3] for i, b in enumerate(payload))


class WS:
    def __init__(self, port, origin=None, host=None, src=None, key=None, version="13", extra=""):
        self.s = connect(port, src)
        self.key = key or base64.b64encode(os.urandom(16)).decode()
        h = "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" % (host or "127.0.0.1:%d" % port)
        h += "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: %s\r\n" % (self.key, version)
        if origin:
            h += "Origin: %s\r\n" % origin
        self.s.sendall((h + extra + "\r\n").encode())
        self.resp, self.buf = read_response(self.s)

    def send(self, data):
        self.s.sendall(data)

    def send_json(self, obj):
        self.send(frame(1, json.dumps(obj)))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def recv(self):
        """One frame: (opcode, payload bytes)."""
        self._need(2)
        b0, b1 = self.buf[0], self.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, off = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            self._need(10)
            n, off = struct.unpack("!Q", self.buf[2:10])[0], 10
        self._need(off + n)
        payload = self.buf[off:off + n]
        self.buf = self.buf[off + n:]
        return b0 & 0x0F, payload

    def recv_json(self, skip_ticks=True):
        while True:
            op, p = self.recv()
            if op != 1:
                raise ValueError("expected a text frame, got opcode %d (%r)" % (op, p[:80]))
            j = json.loads(p)
            if skip_ticks and j.get("type") == "event" and j.get("event") == "tick":
                continue
            return j

    def recv_close(self):
        """Frames until a close: returns (code, reason) or (None, why)."""
        try:
            while True:
                op, p = self.recv()
                if op == 8:
                    code = struct.unpack("!H", p[:2])[0] if len(p) >= 2 else 1005
                    return code, p[2:].decode("utf-8", "replace")
        except (EOFError, socket.timeout, ConnectionResetError) as e:
            return None, repr(e)

    def connect_req(self, token, rid="c1", **over):
        params = {"minProtocol": 4, "maxProtocol": 4,
                  "client": {"id": "cli", "version": "1.0.0", "platform": "linux", "mode": "operator"},
                  "role": "operator", "scopes": ["operator.read", "operator.write"],
                  "auth": {"token": token}}
        params.update(over)
        self.send_json({"type": "req", "id": rid, "method": "connect", "params": params})
        return self.recv_json()

    def call(self, method, params=None, rid="r1"):
        """The answer to this request; events that arrive first (other clients' turns) are skipped."""
        self.send_json({"type": "req", "id": rid, "method": method, "params": params or {}})
        while True:
            f = self.recv_json()
            if f.get("type") != "event":
                return f

    def close(self):
        self.s.close()


def ws_ready(port, token, **kw):
    """Upgrade, read the challenge, connect: an authenticated client."""
    w = WS(port, **kw)
    w.challenge = w.recv_json()
    w.hello = w.connect_req(token)
    return w


# --- a scripted model (test/llm/llm_server.py) ---------------------------------------------------

class LLM:
    """llm_server.py on a free port, answering `turns` in order (see its docstring)."""

    def __init__(self, turns, provider="openai"):
        self.dir = tempfile.mkdtemp(prefix="chela-llm-")
        script = os.path.join(self.dir, "turns.json")
        with open(script, "w") as f:
            json.dump(turns, f)
        self.log_path = os.path.join(self.dir, "requests.jsonl")
        port_file = os.path.join(self.dir, "port")
        top = os.environ.get("CHELA_TOP", ".")
        self.proc = subprocess.Popen(["python3", os.path.join(top, "test", "llm", "llm_server.py"), "--provider", provider,
                                      "--script", script, "--port-file", port_file, "--log", self.log_path],
                                     stderr=subprocess.DEVNULL)
        _CHILDREN.append(self.proc)
        deadline = time.monotonic() + 5
        while not os.path.exists(port_file) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.port = int(open(port_file).read())
        self.provider = provider

    def config(self, extra=""):
        """A [model] section pointing at this server."""
        return ("[model]\nprovider = %s\nmodel = test-model\nbase_url = http://127.0.0.1:%d\napi_key = test-key\n"
                "timeout_s = 30\n%s" % (self.provider, self.port, extra))

    def requests(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def ws_collect(w, until, timeout=10):
    """Frames (ticks skipped) until until(frame) is true; returns them all. Raises on timeout."""
    got = []
    w.s.settimeout(timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        f = w.recv_json()
        got.append(f)
        if until(f):
            return got
    raise TimeoutError("no matching frame in %ds; got %r" % (timeout, got[-5:]))


def is_chat_end(f):
    return f.get("type") == "event" and f.get("event") == "chat" and \
        f["payload"].get("state") in ("final", "error", "aborted")
