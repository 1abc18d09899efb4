"""A python3 asyncore echo client: sends N random bytes, half-closes, reads the echo to EOF.

Usage: asyncore_echo_client.py HOST PORT NBYTES. Prints "OK <n>" and exits 0 when the echo equals
what was sent; prints the difference and exits 1 otherwise.
"""
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402  (removed in 3.12; the test skips when it is missing)
import os
import socket
import sys


class EchoClient(asyncore.dispatcher):

    def __init__(self, host, port, message):
        asyncore.dispatcher.__init__(self)
        self.message = message
        self.to_send = message
        self.received = bytearray()
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect((host, port))

    def handle_connect(self):
        pass

    def writable(self):
        return bool(self.to_send)

    def handle_write(self):
        sent = self.send(self.to_send[:4096])
        self.to_send = self.to_send[sent:]
        if not self.to_send:
            self.socket.shutdown(socket.SHUT_WR)

    def handle_read(self):
        self.received.extend(self.recv(8192))

    def handle_close(self):
        self.close()


host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = EchoClient(host, port, os.urandom(n))
asyncore.loop(timeout=1)
if bytes(client.received) == client.message:
    print("OK %d" % len(client.received))
    sys.exit(0)
print("MISMATCH sent=%d received=%d" % (len(client.message), len(client.received)))
sys.exit(1)
