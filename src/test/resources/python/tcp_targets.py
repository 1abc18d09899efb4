"""Line-protocol targets for the tcp prober's end-to-end check, on 127.0.0.1 (asyncio, stdlib only).

usage: tcp_targets.py CERT KEY SMTP SSH SILENT IRC TLS UDP
  SMTP    an SMTP-like server: 220 banner, EHLO offers STARTTLS, STARTTLS upgrades, EHLO again offers AUTH
  SSH     an SSH-like banner, then it waits for the client's banner
  SILENT  accepts and never says anything
  IRC     NICK/USER, then PING :token; a matching PONG gets the 001 welcome
  TLS     TLS from the first byte, then an IMAP-like "* OK" banner
  UDP     UDP echo
Prints "ready" once every port listens.
"""
import asyncio
import secrets
import ssl
import sys


async def smtp(reader, writer, context):
    writer.write(b"220 mx.e2e ESMTP asyncore-e2e\r\n")
    secure = False
    while line := await reader.readline():
        verb = line.strip().upper()
        if verb.startswith(b"EHLO"):
            offer = b"250-AUTH PLAIN\r\n" if secure else b"250-STARTTLS\r\n"
            writer.write(b"250-mx.e2e\r\n" + offer + b"250 OK\r\n")
        elif verb == b"STARTTLS" and not secure:
            writer.write(b"220 2.0.0 Ready to start TLS\r\n")
            await writer.drain()
            await writer.start_tls(context)
            secure = True
        elif verb == b"QUIT":
            writer.write(b"221 2.0.0 Bye\r\n")
            break
        else:
            writer.write(b"502 5.5.2 Error: command not recognized\r\n")
        await writer.drain()
    writer.close()


async def ssh(reader, writer):
    writer.write(b"SSH-2.0-OpenSSH_9.2p1 asyncore-e2e\r\n")
    await writer.drain()
    await reader.readline()
    writer.close()


async def silent(reader, writer):
    await reader.read()  # until the prober goes away
    writer.close()


async def irc(reader, writer):
    token = secrets.token_hex(6).encode()
    seen = 0
    while line := await reader.readline():
        if line.startswith((b"NICK", b"USER")):
            seen += 1
            if seen == 2:
                writer.write(b"NOTICE * :*** Looking up your hostname\r\nPING :" + token + b"\r\n")
        elif line.strip() == b"PONG " + token:
            writer.write(b":irc.e2e 001 prober :Welcome to the e2e network\r\n")
        elif line.startswith(b"PONG"):
            writer.write(b"ERROR :Closing Link: wrong PONG\r\n")
        await writer.drain()
    writer.close()


async def imap(reader, writer):
    writer.write(b"* OK IMAP4rev1 asyncore-e2e ready\r\n")
    await writer.drain()
    await reader.readline()
    writer.close()


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)


async def main(cert, key, smtp_port, ssh_port, silent_port, irc_port, tls_port, udp_port):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    servers = [
        await asyncio.start_server(lambda r, w: smtp(r, w, context), "127.0.0.1", smtp_port),
        await asyncio.start_server(ssh, "127.0.0.1", ssh_port),
        await asyncio.start_server(silent, "127.0.0.1", silent_port),
        await asyncio.start_server(irc, "127.0.0.1", irc_port),
        await asyncio.start_server(imap, "127.0.0.1", tls_port, ssl=context),
    ]
    await asyncio.get_running_loop().create_datagram_endpoint(Echo, local_addr=("127.0.0.1", udp_port))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(args[0], args[1], *map(int, args[2:])))
