"""DNS peers for blackbox-dns-e2e.sh: hostile UDP servers, each on its own loopback port.

  python3 dns-peers.py serve MODE PORT   # MODE: silent, tc, spoof, garbage, big
  python3 dns-peers.py check PORT        # exits 0 once a DNS server answers an A query on PORT

silent never answers; tc answers with the TC bit and no records; spoof sends a reply with a wrong ID,
then from another port, then the right reply; garbage sends bytes that are not DNS; big sends a
reply of about 2 KiB, past the 512 bytes of a UDP query without EDNS. Runs until killed.
"""
import os
import socket
import struct
import sys


def question_end(query):
    """Offset just past the question of a one-question query."""
    i = 12
    while query[i] != 0:
        i += 1 + query[i]
    return i + 5


def reply(query, flags=0x8180, answers=b"", ancount=0, arcount=0, ident=None):
    ident = struct.unpack("!H", query[:2])[0] if ident is None else ident
    header = struct.pack("!HHHHHH", ident, flags, 1, ancount, 0, arcount)
    return header + query[12:question_end(query)] + answers


def a_record(ip):
    return b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)


def txt_record(text):
    data = bytes([len(text)]) + text
    return b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, len(data)) + data


def serve(mode, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.1", 0))
    while True:
        query, peer = sock.recvfrom(4096)
        if len(query) < 17 or mode == "silent":
            continue
        ident = struct.unpack("!H", query[:2])[0]
        if mode == "tc":
            sock.sendto(reply(query, flags=0x8380), peer)
        elif mode == "spoof":
            right = reply(query, answers=a_record("192.0.2.10"), ancount=1)
            sock.sendto(reply(query, ident=(ident + 1) & 0xFFFF), peer)
            other.sendto(reply(query), peer)
            sock.sendto(right, peer)
        elif mode == "garbage":
            sock.sendto(struct.pack("!H", ident ^ 0x5A5A) + os.urandom(5) + b"not a DNS message at all", peer)
        elif mode == "big":
            extra = b"".join(txt_record(b"x" * 200) for _ in range(10))
            sock.sendto(reply(query, answers=a_record("192.0.2.10") + extra, ancount=1, arcount=10), peer)


def check(port):
    query = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x04test\x00" + struct.pack("!HH", 1, 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1)
    sock.sendto(query, ("127.0.0.1", port))
    data = sock.recv(4096)
    sys.exit(0 if data[:2] == b"\x12\x34" else 1)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        check(int(sys.argv[2]))
