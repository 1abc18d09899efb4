package dev.asyncore.probe.icmp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import dev.asyncore.probe.config.IpProtocol;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One non-blocking ICMP socket of a probe, by file descriptor: an unprivileged datagram ping socket
 * ({@code SOCK_DGRAM, IPPROTO_ICMP}, allowed by {@code net.ipv4.ping_group_range}) or a raw one
 * ({@code SOCK_RAW}, needs {@code CAP_NET_RAW}). The probe's loop thread opens, configures and sends
 * on it; the {@link IcmpPoller} thread receives on it and closes it, so a descriptor number is never
 * closed while the poller may still read it. Sends and receives never block.
 */
final class IcmpSocket {

	/** The kind of ICMP socket, in the order a probe tries them. */
	enum Kind {

		/** {@code SOCK_DGRAM}: the kernel sets the echo identifier and delivers only this socket's replies. */
		DATAGRAM,

		/** {@code SOCK_RAW}: every ICMP message the host receives arrives; others' must be ignored. */
		RAW

	}

	/** Opens a socket; the prober's seam for tests (a network namespace, dropped capabilities). */
	@FunctionalInterface
	interface Opener {

		/** Loop thread. */
		IcmpSocket open(IpProtocol family, Kind kind) throws NativeError;

	}

	/**
	 * One datagram received. {@code icmp} is the ICMP message (for raw IPv4 the IP header is removed).
	 * @param hopLimit the reply's TTL or hop limit from its control message, or -1 if there was none
	 * @param nanos {@link System#nanoTime()} when it was read
	 * @param truncated whether it was longer than the receive buffer (then {@code icmp} is cut)
	 */
	record Datagram(byte[] icmp, InetAddress from, int hopLimit, long nanos, boolean truncated) {
	}

	/** The largest datagram read whole: an IPv4 packet cannot be longer. */
	static final int MAX_DATAGRAM = 65_536;

	private final int fd;

	private final IpProtocol family;

	private final Kind kind;

	private IcmpSocket(int fd, IpProtocol family, Kind kind) {
		this.fd = fd;
		this.family = family;
		this.kind = kind;
	}

	/** The real opener: {@code socket(2)}, non-blocking and close-on-exec. Any thread. */
	static IcmpSocket open(IpProtocol family, Kind kind) throws NativeError {
		int domain = (family == IpProtocol.IP4) ? Libc.AF_INET : Libc.AF_INET6;
		int type = ((kind == Kind.RAW) ? Libc.SOCK_RAW : Libc.SOCK_DGRAM) | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC;
		int protocol = (family == IpProtocol.IP4) ? Libc.IPPROTO_ICMP : Libc.IPPROTO_ICMPV6;
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = Libc.state(arena);
			int fd = (int) Libc.SOCKET.invokeExact(state, domain, type, protocol);
			if (fd < 0) {
				throw Libc.error("socket", state);
			}
			return new IcmpSocket(fd, family, kind);
		}
		catch (NativeError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
	}

	IpProtocol family() {
		return this.family;
	}

	Kind kind() {
		return this.kind;
	}

	int fd() {
		return this.fd;
	}

	/** The TTL (IPv4) or unicast hop limit (IPv6) of what this socket sends. */
	void ttl(int ttl) throws NativeError {
		if (this.family == IpProtocol.IP4) {
			Libc.setInt(this.fd, Libc.IPPROTO_IP, Libc.IP_TTL, ttl, "IP_TTL");
		}
		else {
			Libc.setInt(this.fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS");
		}
	}

	/** IPv4 only: the DF bit on every packet ({@code IP_PMTUDISC_DO}); a packet over the path MTU fails to send. */
	void dontFragment() throws NativeError {
		Libc.setInt(this.fd, Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
	}

	/** Asks for each reply's TTL or hop limit as a control message. */
	void receiveHopLimit() throws NativeError {
		if (this.family == IpProtocol.IP4) {
			Libc.setInt(this.fd, Libc.IPPROTO_IP, Libc.IP_RECVTTL, 1, "IP_RECVTTL");
		}
		else {
			Libc.setInt(this.fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
		}
	}

	/**
	 * For a raw socket, lets the kernel drop every ICMP type but echo reply before it is queued
	 * ({@code ICMP_FILTER}, {@code ICMP6_FILTER}); a set bit blocks a type. Only a saving: replies are
	 * checked all the same.
	 */
	void filterEchoReplies() throws NativeError {
		if (this.kind != Kind.RAW) {
			return;
		}
		if (this.family == IpProtocol.IP4) {
			Libc.setWords(this.fd, Libc.SOL_RAW, Libc.ICMP_FILTER, new int[] { ~(1 << IcmpEcho.ECHO_REPLY_V4) },
					"ICMP_FILTER");
			return;
		}
		int[] blocked = new int[8];
		Arrays.fill(blocked, -1);
		blocked[IcmpEcho.ECHO_REPLY_V6 >> 5] &= ~(1 << (IcmpEcho.ECHO_REPLY_V6 & 31));
		Libc.setWords(this.fd, Libc.IPPROTO_ICMPV6, Libc.ICMP_FILTER, blocked, "ICMP6_FILTER");
	}

	/** Sends from {@code source} (port 0; for a datagram socket the kernel then picks the identifier). */
	void bind(InetAddress source) throws NativeError {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = Libc.state(arena);
			MemorySegment address = arena.allocate(28, 8);
			int length = Libc.sockaddr(address, source.getAddress(), scope(source));
			if ((int) Libc.BIND.invokeExact(state, this.fd, address, length) < 0) {
				throw Libc.error("bind", state);
			}
		}
		catch (NativeError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
	}

	/** Sends one ICMP message to {@code target} without blocking. Loop thread. */
	void send(byte[] message, InetAddress target) throws NativeError {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = Libc.state(arena);
			MemorySegment address = arena.allocate(28, 8);
			int length = Libc.sockaddr(address, target.getAddress(), scope(target));
			MemorySegment data = arena.allocateFrom(JAVA_BYTE, message);
			long sent = (long) Libc.SENDTO.invokeExact(state, this.fd, data, (long) message.length, Libc.MSG_DONTWAIT,
					address, length);
			if (sent < 0) {
				throw Libc.error("sendto", state);
			}
		}
		catch (NativeError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
	}

	/**
	 * Reads one datagram if one is queued. Poller thread.
	 * @return the datagram, or {@code null} if none is queued
	 * @throws NativeError if the socket reports an error (it is then cleared)
	 */
	Datagram receive(Buffers buffers) throws NativeError {
		MemorySegment msg = buffers.prepare();
		long n;
		try {
			n = (long) Libc.RECVMSG.invokeExact(buffers.state, this.fd, msg, Libc.MSG_DONTWAIT);
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
		long now = System.nanoTime();
		if (n < 0) {
			int errno = Libc.errno(buffers.state);
			if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
				return null;
			}
			throw new NativeError("recvmsg", errno);
		}
		boolean truncated = (msg.get(JAVA_INT, 48) & Libc.MSG_TRUNC) != 0;
		int length = (int) Math.min(n, MAX_DATAGRAM);
		int start = 0;
		if (this.kind == Kind.RAW && this.family == IpProtocol.IP4) {
			// a raw IPv4 socket reads the IP header too; what follows its IHL words is the ICMP message
			int ihl = (length > 0) ? (buffers.data.get(JAVA_BYTE, 0) & 0x0f) * 4 : 0;
			start = (ihl >= 20 && ihl <= length) ? ihl : length;
		}
		byte[] icmp = buffers.data.asSlice(start, length - start).toArray(JAVA_BYTE);
		return new Datagram(icmp, buffers.source(), buffers.hopLimit(msg.get(JAVA_LONG, 40)), now, truncated);
	}

	/** Closes the descriptor. Poller thread (or the loop thread for a socket never registered). */
	void close() {
		try (Arena arena = Arena.ofConfined()) {
			int ignored = (int) Libc.CLOSE.invokeExact(Libc.state(arena), this.fd);
		}
		catch (Throwable ex) {
			// close(2) of our own descriptor fails only on EINTR or EIO, after which it is closed anyway
		}
	}

	private static int scope(InetAddress address) {
		return (address instanceof java.net.Inet6Address v6) ? v6.getScopeId() : 0;
	}

	@Override
	public String toString() {
		return "IcmpSocket[fd=" + this.fd + ", " + this.family + ", " + this.kind + "]";
	}

	/** The native buffers one thread receives into: a {@code msghdr}, its iovec, data, control and name. */
	static final class Buffers {

		private static final int CONTROL = 128;

		final MemorySegment state;

		final MemorySegment data;

		private final MemorySegment msg;

		private final MemorySegment iov;

		private final MemorySegment control;

		private final MemorySegment name;

		Buffers(Arena arena) {
			this.state = Libc.state(arena);
			this.msg = arena.allocate(Libc.MSGHDR_SIZE, 8);
			this.iov = arena.allocate(16, 8);
			this.data = arena.allocate(MAX_DATAGRAM, 8);
			this.control = arena.allocate(CONTROL, 8);
			this.name = arena.allocate(28, 8);
		}

		/** The {@code msghdr}, reset for the next {@code recvmsg}. */
		MemorySegment prepare() {
			this.iov.set(ADDRESS, 0, this.data);
			this.iov.set(JAVA_LONG, 8, MAX_DATAGRAM);
			this.msg.fill((byte) 0);
			this.name.fill((byte) 0);
			this.msg.set(ADDRESS, 0, this.name);
			this.msg.set(JAVA_INT, 8, (int) this.name.byteSize());
			this.msg.set(ADDRESS, 16, this.iov);
			this.msg.set(JAVA_LONG, 24, 1);
			this.msg.set(ADDRESS, 32, this.control);
			this.msg.set(JAVA_LONG, 40, CONTROL);
			return this.msg;
		}

		/** The sender from {@code msg_name}, or {@code null} if it is neither IPv4 nor IPv6. */
		InetAddress source() {
			int family = this.name.get(ValueLayout.JAVA_SHORT, 0);
			try {
				if (family == Libc.AF_INET) {
					return InetAddress.getByAddress(this.name.asSlice(4, 4).toArray(JAVA_BYTE));
				}
				if (family == Libc.AF_INET6) {
					return InetAddress.getByAddress(this.name.asSlice(8, 16).toArray(JAVA_BYTE));
				}
			}
			catch (UnknownHostException ex) {
				// getByAddress fails only for a wrong length, which the slices rule out
			}
			return null;
		}

		/** The TTL or hop limit among the first {@code length} bytes of control messages, or -1. */
		int hopLimit(long length) {
			long end = Math.min(length, CONTROL);
			long at = 0;
			while (at + 16 <= end) {
				long size = this.control.get(JAVA_LONG, at);
				int level = this.control.get(JAVA_INT, at + 8);
				int type = this.control.get(JAVA_INT, at + 12);
				if (size < 20 || at + size > end) {
					return -1;
				}
				if ((level == Libc.IPPROTO_IP && type == Libc.IP_TTL)
						|| (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT)) {
					return this.control.get(JAVA_INT, at + 16);
				}
				at += (size + 7) & ~7L;
			}
			return -1;
		}

	}

}
