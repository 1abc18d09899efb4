package dev.asyncore.probe.icmp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C library calls the icmp prober needs, bound once through the Foreign Function &amp; Memory
 * API, each capturing {@code errno}; and the Linux constants they take (the same on x86-64 and
 * AArch64, the two platforms the image is built for). Nothing here keeps state; any thread. Every
 * call takes a {@code state} segment of {@link #STATE_LAYOUT} where the call leaves {@code errno}.
 */
final class Libc {

	static final int AF_INET = 2;

	static final int AF_INET6 = 10;

	static final int SOCK_DGRAM = 2;

	static final int SOCK_RAW = 3;

	static final int SOCK_NONBLOCK = 0x800;

	static final int SOCK_CLOEXEC = 0x80000;

	static final int IPPROTO_IP = 0;

	static final int IPPROTO_ICMP = 1;

	static final int IPPROTO_IPV6 = 41;

	static final int IPPROTO_ICMPV6 = 58;

	static final int SOL_RAW = 255;

	static final int IP_TTL = 2;

	static final int IP_MTU_DISCOVER = 10;

	static final int IP_RECVTTL = 12;

	static final int IP_PMTUDISC_DO = 2;

	/** {@code ICMP_FILTER} on {@code SOL_RAW}, and {@code ICMP6_FILTER} on {@code IPPROTO_ICMPV6}: both 1. */
	static final int ICMP_FILTER = 1;

	static final int IPV6_UNICAST_HOPS = 16;

	static final int IPV6_RECVHOPLIMIT = 51;

	static final int IPV6_HOPLIMIT = 52;

	static final int MSG_TRUNC = 0x20;

	static final int MSG_DONTWAIT = 0x40;

	static final short POLLIN = 0x1;

	static final short POLLERR = 0x8;

	static final short POLLNVAL = 0x20;

	static final int EFD_NONBLOCK = 0x800;

	static final int EFD_CLOEXEC = 0x80000;

	static final int EPERM = 1;

	static final int EINTR = 4;

	static final int EAGAIN = 11;

	static final int EACCES = 13;

	/** {@code struct msghdr} on LP64: name, namelen, iov, iovlen, control, controllen, flags. */
	static final long MSGHDR_SIZE = 56;

	static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	private static final Linker LINKER = Linker.nativeLinker();

	static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

	static final MethodHandle SETSOCKOPT = call("setsockopt",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

	static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

	static final MethodHandle SENDTO = call("sendto",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

	static final MethodHandle RECVMSG = call("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

	static final MethodHandle POLL = call("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

	static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	static final MethodHandle EVENTFD = call("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	static final MethodHandle READ = call("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

	private static final MethodHandle STRERROR = LINKER.downcallHandle(
			LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

	private Libc() {
	}

	private static MethodHandle call(String name, FunctionDescriptor descriptor) {
		return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
				Linker.Option.captureCallState("errno"));
	}

	/** A segment for one call's {@code errno}. */
	static MemorySegment state(Arena arena) {
		return arena.allocate(STATE_LAYOUT);
	}

	/** The {@code errno} the last call given {@code state} left there. */
	static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	/** {@code "operation not permitted"}: C's {@code strerror} as Go prints it, lower case. */
	static String describe(int errno) {
		try {
			MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
			return text.reinterpret(256).getString(0).toLowerCase(Locale.ROOT);
		}
		catch (Throwable ex) {
			return "errno " + errno;
		}
	}

	/** The failure of {@code call}, as Go words it: {@code "socket: operation not permitted"}. */
	static NativeError error(String call, MemorySegment state) {
		int errno = errno(state);
		return new NativeError(call, errno);
	}

	/** Sets an {@code int} socket option. */
	static void setInt(int fd, int level, int name, int value, String what) throws NativeError {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = state(arena);
			MemorySegment box = arena.allocate(JAVA_INT);
			box.set(JAVA_INT, 0, value);
			if ((int) SETSOCKOPT.invokeExact(state, fd, level, name, box, 4) < 0) {
				throw new NativeError("setsockopt " + what, errno(state));
			}
		}
		catch (NativeError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
	}

	/** Sets an option whose value is {@code words} in native order ({@code ICMP_FILTER}'s bit mask). */
	static void setWords(int fd, int level, int name, int[] words, String what) throws NativeError {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = state(arena);
			MemorySegment value = arena.allocateFrom(JAVA_INT, words);
			if ((int) SETSOCKOPT.invokeExact(state, fd, level, name, value, words.length * 4) < 0) {
				throw new NativeError("setsockopt " + what, errno(state));
			}
		}
		catch (NativeError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw NativeError.unexpected(ex);
		}
	}

	/** Writes {@code struct sockaddr_in} or {@code sockaddr_in6} for {@code address} (port 0) into {@code out}. */
	static int sockaddr(MemorySegment out, byte[] address, int scopeId) {
		out.fill((byte) 0);
		if (address.length == 4) {
			out.set(JAVA_SHORT, 0, (short) AF_INET);
			MemorySegment.copy(address, 0, out, ValueLayout.JAVA_BYTE, 4, 4);
			return 16;
		}
		out.set(JAVA_SHORT, 0, (short) AF_INET6);
		MemorySegment.copy(address, 0, out, ValueLayout.JAVA_BYTE, 8, 16);
		out.set(JAVA_INT, 24, scopeId);
		return 28;
	}

}
