"""A python3 asyncore client over AF_UNIX: sends N random bytes, half-closes, reads to EOF.

Usage: asyncore_unix_client.py PATH NBYTES echo|discard. The bytes are handed to
dispatcher_with_send.send() right after connect(), before the connection completes, as CPython's
test_asyncore does. Prints "OK <n>" and exits 0 when what came back is the echo (echo) or nothing
(discard); prints the difference and exits 1 otherwise.
"""
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402  (removed in 3.12; the test skips when it is missing)
import os
import socket
import sys


class Client(asyncore.dispatcher_with_send):

    def __init__(self, path, message):
        asyncore.dispatcher_with_send.__init__(self)
        self.received = bytearray()
        self.shut = False
        self.create_socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.connect(path)
        self.send(message)

    def handle_connect(self):
        pass

    def handle_write(self):
        self.initiate_send()
        if not self.out_buffer and not self.shut:
            self.shut = True
            self.socket.shutdown(socket.SHUT_WR)

    def writable(self):
        return not self.shut

    def handle_read(self):
        self.received.extend(self.recv(65536))

    def handle_close(self):
        self.close()


path, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
message = os.urandom(n)
client = Client(path, message)
asyncore.loop(timeout=1)
expected = message if mode == "echo" else b""
if bytes(client.received) == expected:
    print("OK %d" % n)
    sys.exit(0)
print("MISMATCH sent=%d received=%d" % (n, len(client.received)))
sys.exit(1)
