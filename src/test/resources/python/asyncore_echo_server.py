"""A python3 asyncore echo server on 127.0.0.1, port chosen by the kernel.

Prints "PORT <n>" once listening, then serves until its standard input closes. Each handler echoes
what it reads and, at end of stream, flushes what is left before closing.
"""
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402
import socket
import sys
import threading


class EchoHandler(asyncore.dispatcher_with_send):

    closing = False

    def handle_read(self):
        data = self.recv(8192)
        if data:
            self.send(data)

    def handle_close(self):
        if self.out_buffer:
            self.closing = True
        else:
            self.close()

    def readable(self):
        return not self.closing

    def handle_write(self):
        self.initiate_send()
        if self.closing and not self.out_buffer:
            self.close()


class EchoServer(asyncore.dispatcher):

    def __init__(self):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind(("127.0.0.1", 0))
        self.listen(16)

    def handle_accepted(self, sock, addr):
        EchoHandler(sock)


server = EchoServer()
print("PORT %d" % server.socket.getsockname()[1], flush=True)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
while not stop.is_set():
    asyncore.loop(timeout=0.2, count=1)
