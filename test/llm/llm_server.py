#!/usr/bin/env python3
"""test/llm/llm_server.py — a scripted stand-in for the Anthropic Messages API and the OpenAI
Chat Completions API, speaking their documented wire formats (JSON bodies, SSE streams with
chunked transfer coding), over HTTP or TLS. Python standard library only.

    llm_server.py --provider anthropic|openai --script turns.json --port-file F [--log L]
                  [--cert C --key K] [--host ADDR]

Each POST to /v1/messages or /v1/chat/completions consumes the next turn of the script (a JSON
list). Whether the answer is streamed follows the request's "stream" field, like the real
services. Turn kinds:
  {"kind": "reply", "text": "..."}                       a text answer
  {"kind": "tools", "text": "...", "calls": [{"id", "name", "arguments"}], "split": 7}
        tool calls; "arguments" is sent verbatim (so a test can send invalid JSON), streamed in
        fragments of "split" characters
  {"kind": "status", "status": 429, "retry_after": "1", "error": "msg"}   an error answer
  {"kind": "truncate", "text": "..."}  a stream cut off mid-way (the connection just closes)
  {"kind": "garbage", "body": "..."}   a 200 whose body is not JSON
  {"kind": "slow", "delay": 3, "text": "..."}  wait before answering
Every request is appended to the --log file as one JSON line: {"path", "headers", "body"}.
The port actually bound (use --port 0) is written to --port-file once the server listens.
"""
import argparse
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time

ARGS = None
TURNS = []
LOCK = threading.Lock()
NEXT = [0]


def next_turn():
    with LOCK:
        i = NEXT[0]
        NEXT[0] += 1
    if i < len(TURNS):
        return TURNS[i]
    return {"kind": "status", "status": 500, "error": "script exhausted (turn %d)" % i}


def usage_anthropic():
    return {"input_tokens": 11, "output_tokens": 7}


def usage_openai():
    return {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}


def pieces(s, n):
    n = max(1, int(n))
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


# --- Anthropic Messages ------------------------------------------------------------------------

def anthropic_message(turn, model):
    content = []
    if turn.get("text"):
        content.append({"type": "text", "text": turn["text"]})
    for c in turn.get("calls", []):
        try:
            inp = json.loads(c["arguments"])
        except ValueError:
            inp = c["arguments"]  # invalid on purpose: the client must say so, not crash
        content.append({"type": "tool_use", "id": c["id"], "name": c["name"], "input": inp})
    return {"id": "msg_test", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": "tool_use" if turn.get("calls") else "end_turn",
            "stop_sequence": None, "usage": usage_anthropic()}


def anthropic_events(turn, model):
    ev = [("message_start", {"type": "message_start", "message": {
        "id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 1}}})]
    ev.append(("ping", {"type": "ping"}))
    idx = 0
    text = turn.get("text", "")
    if text:
        ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                           "content_block": {"type": "text", "text": ""}}))
        for p in pieces(text, turn.get("split", 4)):
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                               "delta": {"type": "text_delta", "text": p}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
        idx += 1
    for c in turn.get("calls", []):
        ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                           "content_block": {"type": "tool_use", "id": c["id"],
                                                             "name": c["name"], "input": {}}}))
        for p in pieces(c["arguments"], turn.get("split", 7)):
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                               "delta": {"type": "input_json_delta", "partial_json": p}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
        idx += 1
    ev.append(("message_delta", {"type": "message_delta",
                                 "delta": {"stop_reason": "tool_use" if turn.get("calls") else "end_turn",
                                           "stop_sequence": None},
                                 "usage": {"output_tokens": 7}}))
    ev.append(("message_stop", {"type": "message_stop"}))
    return ["event: %s\ndata: %s\n\n" % (name, json.dumps(data)) for name, data in ev]


def anthropic_error(status, msg):
    kind = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
            429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": msg}}


# --- OpenAI Chat Completions ------------------------------------------------------------------

def openai_message(turn, model):
    msg = {"role": "assistant", "content": turn.get("text") or None}
    if turn.get("calls"):
        msg["tool_calls"] = [{"id": c["id"], "type": "function",
                              "function": {"name": c["name"], "arguments": c["arguments"]}}
                             for c in turn["calls"]]
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": msg,
                                         "finish_reason": "tool_calls" if turn.get("calls") else "stop"}],
            "usage": usage_openai()}


def openai_events(turn, model):
    def chunk(delta, finish=None):
        return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    ev = [chunk({"role": "assistant", "content": ""})]
    for p in pieces(turn.get("text", ""), turn.get("split", 4)) if turn.get("text") else []:
        ev.append(chunk({"content": p}))
    for i, c in enumerate(turn.get("calls", [])):
        ev.append(chunk({"tool_calls": [{"index": i, "id": c["id"], "type": "function",
                                         "function": {"name": c["name"], "arguments": ""}}]}))
        for p in pieces(c["arguments"], turn.get("split", 7)):
            ev.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": p}}]}))
    ev.append(chunk({}, "tool_calls" if turn.get("calls") else "stop"))
    ev.append({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
               "model": model, "choices": [], "usage": usage_openai()})
    return ["data: %s\n\n" % json.dumps(e) for e in ev] + ["data: [DONE]\n\n"]


def openai_error(status, msg):
    return {"error": {"message": msg, "type": "invalid_request_error" if status < 500 else "server_error",
                      "param": None, "code": None}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def send_json(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_chunk(self, s):
        b = s.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(b), b))
        self.wfile.flush()

    def stream(self, events, cut=None):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, e in enumerate(events):
            if cut is not None and i >= cut:
                # Half an event, then the connection drops without the final chunk.
                self.send_chunk(e[: len(e) // 2])
                self.close_connection = True
                return
            self.send_chunk(e)
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                    "body": body}) + "\n")
        anth = ARGS.provider == "anthropic"
        want = "/v1/messages" if anth else "/v1/chat/completions"
        if self.path != want or not isinstance(body, dict):
            err = (anthropic_error if anth else openai_error)(404, "no route " + self.path)
            return self.send_json(404, err)
        turn = next_turn()
        model = body.get("model", "test-model")
        kind = turn.get("kind", "reply")
        if kind == "slow":
            time.sleep(float(turn.get("delay", 3)))
            kind = "reply"
        if kind == "status":
            st = int(turn.get("status", 500))
            extra = {"retry-after": str(turn["retry_after"])} if "retry_after" in turn else None
            err = (anthropic_error if anth else openai_error)(st, turn.get("error", "scripted error"))
            return self.send_json(st, err, extra)
        if kind == "garbage":
            b = turn.get("body", "<html>oops").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
            return
        events = (anthropic_events if anth else openai_events)(turn, model)
        if kind == "truncate":
            return self.stream(events, cut=max(2, len(events) // 2))
        if body.get("stream"):
            return self.stream(events)
        return self.send_json(200, (anthropic_message if anth else openai_message)(turn, model))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS, TURNS
    ap = argparse.ArgumentParser()
    ap.add_argument("--provider", required=True, choices=["anthropic", "openai"])
    ap.add_argument("--script", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (containers need a bridge address)")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ARGS = ap.parse_args()
    with open(ARGS.script) as f:
        TURNS = json.load(f)
    srv = Server((ARGS.host, ARGS.port), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
