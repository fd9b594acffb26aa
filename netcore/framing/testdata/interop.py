"""Peer for interop_test.go: the jsonhdr and len:4:le schemes as the Python
socket tutorials write them, with the standard library only.

    interop.py encode jsonhdr|len4le   write messages to stdout
    interop.py decode jsonhdr|len4le   read stdin, print one JSON line per message
"""
import json
import struct
import sys

NAMES = ["a.txt", "", "日本語.txt", "../../etc/passwd", "quote\"back\\slash", "big.bin"]
SIZES = [5, 0, 1, 255, 256, 70000]


def body(i, n):
    return bytes((j * 7 + i) % 256 for j in range(n))


def encode(scheme, out):
    for i, (name, size) in enumerate(zip(NAMES, SIZES)):
        data = body(i, size)
        if scheme == "jsonhdr":
            header = json.dumps({"filename": name, "filesize": len(data)}).encode("utf-8")
            msg = struct.pack("i", len(header)) + header + data
        else:
            msg = struct.pack("<I", len(data)) + data
        # Write in uneven pieces so the reader sees split and sticky frames.
        for k in range(0, len(msg), 1 + (i * 13) % 50):
            out.write(msg[k:k + 1 + (i * 13) % 50])
            out.flush()


def read_exact(f, n):
    buf = b""
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            raise EOFError("stream ended after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def decode(scheme, f):
    while True:
        first = f.read(4)
        if not first:
            return
        first += read_exact(f, 4 - len(first))
        if scheme == "jsonhdr":
            (hlen,) = struct.unpack("i", first)
            header = json.loads(read_exact(f, hlen).decode("utf-8"))
            data = read_exact(f, header["filesize"])
            print(json.dumps({"filename": header["filename"], "filesize": header["filesize"], "hex": data.hex()}))
        else:
            (n,) = struct.unpack("<I", first)
            print(json.dumps({"hex": read_exact(f, n).hex()}))


if __name__ == "__main__":
    mode, scheme = sys.argv[1], sys.argv[2]
    if mode == "encode":
        encode(scheme, sys.stdout.buffer)
    else:
        decode(scheme, sys.stdin.buffer)
