#!/usr/bin/env python3
"""test/llm/connect_proxy.py — a minimal forward proxy for the HTTPS_PROXY/HTTP_PROXY tests.

    connect_proxy.py --port-file F --log L

CONNECT host:port opens a tunnel (answer "200 Connection established", then bytes are piped both
ways, so TLS stays end to end). Any other method must carry an absolute http:// URL; the request
line is rewritten to origin form and forwarded. Each request line received is appended to the log
so a test can prove the proxy was (or was not) used. Standard library only.
"""
import argparse
import os
import socket
import threading
from urllib.parse import urlsplit

LOG = None
LOCK = threading.Lock()


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def read_head(c):
    data = b""
    while b"\r\n\r\n" not in data:
        d = c.recv(4096)
        if not d:
            return None, b""
        data += d
        if len(data) > 65536:
            return None, b""
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def handle(c):
    try:
        head, rest = read_head(c)
        if head is None:
            return
        line = head.split("\r\n")[0]
        with LOCK, open(LOG, "a") as f:
            f.write(line + "\n")
        method, target, _ = line.split(" ", 2)
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            u = urlsplit(target)
            up = socket.create_connection((u.hostname, u.port or 80), timeout=10)
            path = (u.path or "/") + ("?" + u.query if u.query else "")
            rest_head = head.split("\r\n", 1)[1]
            up.sendall(("%s %s HTTP/1.1\r\n%s\r\n\r\n" % (method, path, rest_head)).encode("latin-1") + rest)
            rest = b""
        if rest:
            up.sendall(rest)
        t = threading.Thread(target=pipe, args=(up, c), daemon=True)
        t.start()
        pipe(c, up)
        t.join(30)
        up.close()
    except (OSError, ValueError):
        pass
    finally:
        c.close()


def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    LOG = a.log
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
