"""python3 asynchat peers for AsynchatInteropIT (CPython 3.11 still ships asynchat).

  asynchat_line_peer.py client HOST PORT N  pushes N numbered lines and QUIT right after connect(),
      before the connection completes (asynchat buffers them), collects the echoed lines until the
      server closes; prints "OK <n>" if every line came back in order, else the difference.
  asynchat_line_peer.py server              prints "PORT <p>", then echoes each CRLF line upper-cased,
      closing when done after "QUIT"; stops when stdin closes.
"""
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import asynchat  # noqa: E402
import asyncore  # noqa: E402
import socket
import sys
import threading


class LineClient(asynchat.async_chat):

    def __init__(self, host, port, n):
        asynchat.async_chat.__init__(self)
        self.set_terminator(b"\r\n")
        self.buffer = []
        self.lines = []
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connect((host, port))
        for i in range(n):
            self.push(b"line %d\r\n" % i)
        self.push(b"QUIT\r\n")

    def handle_connect(self):
        pass

    def collect_incoming_data(self, data):
        self.buffer.append(data)

    def found_terminator(self):
        self.lines.append(b"".join(self.buffer))
        self.buffer = []

    def handle_close(self):
        self.close()


class LineHandler(asynchat.async_chat):

    def __init__(self, sock):
        asynchat.async_chat.__init__(self, sock)
        self.set_terminator(b"\r\n")
        self.buffer = []

    def collect_incoming_data(self, data):
        self.buffer.append(data)

    def found_terminator(self):
        line = b"".join(self.buffer)
        self.buffer = []
        if line == b"QUIT":
            self.close_when_done()
        else:
            self.push(line.upper() + b"\r\n")


class LineServer(asyncore.dispatcher):

    def __init__(self):
        asyncore.dispatcher.__init__(self)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind(("127.0.0.1", 0))
        self.listen(5)

    def handle_accepted(self, sock, addr):
        LineHandler(sock)


if sys.argv[1] == "client":
    host, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    client = LineClient(host, port, n)
    asyncore.loop(timeout=1)
    expected = [b"line %d" % i for i in range(n)]
    if client.lines == expected:
        print("OK %d" % n)
        sys.exit(0)
    print("MISMATCH %d lines, first %r" % (len(client.lines), client.lines[:3]))
    sys.exit(1)
else:
    server = LineServer()
    print("PORT %d" % server.socket.getsockname()[1], flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    while not stop.is_set():
        asyncore.loop(timeout=0.1, count=1)
