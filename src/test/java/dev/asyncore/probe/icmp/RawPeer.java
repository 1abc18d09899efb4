package dev.asyncore.probe.icmp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.time.Duration;

import dev.asyncore.probe.config.IpProtocol;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A test's own raw ICMP socket: sees the echo requests a probe sends (with their TTL or hop limit)
 * and sends whatever ICMP it is told to, crafted replies included. Blocking, for a test thread.
 */
final class RawPeer implements AutoCloseable {

	/** An echo request seen: its fields, the TTL or hop limit it arrived with, its length. */
	record Seen(IcmpEcho echo, int hopLimit, int length) {
	}

	private final IcmpSocket socket;

	private final Arena arena = Arena.ofShared();

	private final IcmpSocket.Buffers buffers = new IcmpSocket.Buffers(this.arena);

	RawPeer(IcmpSocket.Opener opener, IpProtocol family) throws NativeError {
		this.socket = opener.open(family, IcmpSocket.Kind.RAW);
		this.socket.receiveHopLimit();
	}

	/** The next echo request from {@code from}, waiting at most {@code timeout}; {@code null} if none came. */
	Seen awaitRequest(InetAddress from, Duration timeout) throws Exception {
		long end = System.nanoTime() + timeout.toNanos();
		int request = (this.socket.family() == IpProtocol.IP4) ? IcmpEcho.ECHO_REQUEST_V4 : IcmpEcho.ECHO_REQUEST_V6;
		MemorySegment fds = this.arena.allocate(8, 4);
		while (System.nanoTime() < end) {
			fds.set(JAVA_INT, 0, this.socket.fd());
			fds.set(JAVA_SHORT, 4, Libc.POLLIN);
			fds.set(JAVA_SHORT, 6, (short) 0);
			int wait = (int) Math.max(1, (end - System.nanoTime()) / 1_000_000);
			int ready;
			try {
				ready = (int) Libc.POLL.invokeExact(this.buffers.state, fds, 1L, wait);
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
			if (ready <= 0) {
				continue;
			}
			IcmpSocket.Datagram datagram;
			while ((datagram = this.socket.receive(this.buffers)) != null) {
				byte[] icmp = datagram.icmp();
				if (icmp.length >= IcmpEcho.HEADER && (icmp[0] & 0xff) == request && from.equals(datagram.from())) {
					IcmpEcho echo = new IcmpEcho(IcmpEcho.identifier(icmp), ((icmp[6] & 0xff) << 8) | (icmp[7] & 0xff),
							java.util.Arrays.copyOfRange(icmp, IcmpEcho.HEADER, icmp.length));
					return new Seen(echo, datagram.hopLimit(), icmp.length);
				}
			}
		}
		return null;
	}

	/** Drops what is queued (the peer sees what it sends itself, crafted requests included). */
	void drain() throws NativeError {
		while (this.socket.receive(this.buffers) != null) {
			// dropped
		}
	}

	/** An echo reply of {@code echo}'s fields, its IPv4 checksum right (the kernel sets ICMPv6's). */
	static byte[] reply(IcmpEcho echo, IpProtocol family) {
		byte[] message = echo.request(family);
		message[0] = (byte) ((family == IpProtocol.IP4) ? IcmpEcho.ECHO_REPLY_V4 : IcmpEcho.ECHO_REPLY_V6);
		if (family == IpProtocol.IP4) {
			int sum = IcmpEcho.checksum(message);
			message[2] = (byte) (sum >> 8);
			message[3] = (byte) sum;
		}
		return message;
	}

	/** Sends {@code message} as it is to {@code to}. */
	void send(byte[] message, InetAddress to) throws NativeError {
		this.socket.send(message, to);
	}

	@Override
	public void close() {
		this.socket.close();
		this.arena.close();
	}

}
