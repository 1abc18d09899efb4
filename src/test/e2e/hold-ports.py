#!/usr/bin/env python3
"""Hold the ports a developer's machine often has taken, so that the test suite proves it binds none.

TCP 7007, 7009, 8080, 9090 and 9115 and UDP 7007 (the service's own defaults, and a real
blackbox_exporter's port) on 127.0.0.1, 0.0.0.0 and :: where the kernel allows. SO_REUSEPORT
lets this one process hold both a wildcard and a loopback socket on the same port; the service
never sets it, so its bind still fails. Prints "ready" once bound, then holds until killed.
Usage: hold-ports.py [PORT ...]   (TCP ports; UDP 7007 is always held)
"""
import signal
import socket
import sys

TCP_PORTS = [int(p) for p in sys.argv[1:]] or [7007, 7009, 8080, 9090, 9115]
UDP_PORTS = [7007]
HOSTS = [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")]


def hold(kind, family, host, port):
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        s.bind((host, port))
        if kind == socket.SOCK_STREAM:
            s.listen(8)
    except OSError as e:
        s.close()
        print(f"not held {'tcp' if kind == socket.SOCK_STREAM else 'udp'} {host}:{port}: {e}", file=sys.stderr)
        return None
    return s


held = [s for port in TCP_PORTS for family, host in HOSTS
        if (s := hold(socket.SOCK_STREAM, family, host, port))]
held += [s for port in UDP_PORTS for family, host in HOSTS
         if (s := hold(socket.SOCK_DGRAM, family, host, port))]
print(f"ready: holding {len(held)} sockets on tcp {TCP_PORTS} and udp {UDP_PORTS}", flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.pause()
