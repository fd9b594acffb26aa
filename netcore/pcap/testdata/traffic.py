#!/usr/bin/env python3
"""Traffic between real peers on loopback, for capture tests.

    traffic.py BASEPORT [SEED] [SCALE]

Uses ports BASEPORT..BASEPORT+3 and makes, one after the other:
  tcp4  socat sends a request to a python3 server on 127.0.0.1, half-closes,
        and reads the answer, which the server writes in 1000-byte pieces;
  tcp6  the same over [::1], smaller;
  rst   a python3 client sends "hello"; the python3 server answers by closing
        with SO_LINGER 0, which resets the connection;
  udp   socat sends one datagram to a python3 server that answers it in upper
        case, then a python3 client sends three and reads the answers.
Sizes grow with SCALE (default 1: about 20 KB in all). Prints one JSON object:
for each TCP connection the SHA-256 of what each side sent, checked here
against what the other side received, so a test can compare a capture with
what really went over the wire.
"""
import hashlib
import json
import random
import socket
import struct
import subprocess
import sys
import threading
import time


def sha(b):
    return hashlib.sha256(b).hexdigest()


def serve_once(family, addr, handler):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    s.listen(1)
    out = {}

    def run():
        c, _ = s.accept()
        try:
            handler(c, out)
        finally:
            s.close()

    t = threading.Thread(target=run)
    t.start()
    return t, out


def read_all(c):
    got = bytearray()
    while True:
        b = c.recv(65536)
        if not b:
            return bytes(got)
        got += b


def answer_in_pieces(reply):
    def handler(c, out):
        out["request"] = read_all(c)
        for i in range(0, len(reply), 1000):
            c.sendall(reply[i:i + 1000])
            time.sleep(0.002)
        c.close()
    return handler


def tcp_exchange(name, family, host, port, req, reply):
    t, out = serve_once(family, (host, port), answer_in_pieces(reply))
    target = "TCP6:[%s]:%d" % (host, port) if family == socket.AF_INET6 else "TCP4:%s:%d" % (host, port)
    r = subprocess.run(["socat", "-t", "5", "-", target], input=req, stdout=subprocess.PIPE, check=True)
    t.join()
    if out["request"] != req or r.stdout != reply:
        sys.exit("%s: the peers did not get what was sent" % name)
    return {"client": sha(req), "server": sha(reply), "client_len": len(req), "server_len": len(reply)}


def reset(port):
    def handler(c, out):
        out["request"] = c.recv(100)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    t, out = serve_once(socket.AF_INET, ("127.0.0.1", port), handler)
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"hello")
    try:
        while c.recv(100):
            pass
    except ConnectionResetError:
        pass
    c.close()
    t.join()
    return {"client": sha(b"hello"), "server": sha(b""), "client_len": 5, "server_len": 0}


def udp(port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))

    def run():
        for _ in range(n + 1):
            b, peer = s.recvfrom(65536)
            s.sendto(b.upper(), peer)
        s.close()

    t = threading.Thread(target=run)
    t.start()
    r = subprocess.run(["socat", "-t", "1", "-", "UDP4:127.0.0.1:%d" % port], input=b"ping from socat\n",
                       stdout=subprocess.PIPE, check=True)
    if r.stdout != b"PING FROM SOCAT\n":
        sys.exit("udp: socat got %r" % r.stdout)
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = []
    for i in range(n):
        m = b"datagram %d " % i + b"x" * (i * 100)
        c.sendto(m, ("127.0.0.1", port))
        if c.recv(65536) != m.upper():
            sys.exit("udp: the python3 client got a wrong answer")
        sent.append(m)
    c.close()
    t.join()
    return {"datagrams": 1 + n}


def main():
    base = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    scale = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rnd = random.Random(seed)
    blob = lambda n: bytes(rnd.getrandbits(8) for _ in range(n))
    res = {}
    res["tcp4"] = tcp_exchange("tcp4", socket.AF_INET, "127.0.0.1", base, blob(6000 * scale), blob(12000 * scale))
    res["tcp6"] = tcp_exchange("tcp6", socket.AF_INET6, "::1", base + 1, blob(3000 * scale), blob(3500 * scale))
    res["rst"] = reset(base + 2)
    res["udp"] = udp(base + 3, 3)
    json.dump(res, sys.stdout)
    print()


if __name__ == "__main__":
    main()
