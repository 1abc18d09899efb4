package dev.asyncore.probe.icmp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Drops {@code CAP_NET_RAW} from the calling thread's effective capabilities around a socket opener,
 * and raises it again after: Linux keeps capabilities per thread ({@code capset(2)} with pid 0), so
 * the loop thread opens its sockets as a process without the capability would, and nothing else
 * in the JVM is affected. Needs the capability in the permitted set (root).
 */
final class Capabilities {

	private static final int VERSION_3 = 0x20080522;

	private static final int CAP_NET_RAW = 13;

	private static final Linker LINKER = Linker.nativeLinker();

	private static final MethodHandle CAPGET = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("capget"),
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

	private static final MethodHandle CAPSET = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("capset"),
			FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

	private Capabilities() {
	}

	/** {@code inner} run with CAP_NET_RAW out of the calling thread's effective set. */
	static IcmpSocket.Opener withoutNetRaw(IcmpSocket.Opener inner) {
		return (family, kind) -> {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment header = arena.allocate(8, 4);
				header.set(JAVA_INT, 0, VERSION_3);
				MemorySegment data = arena.allocate(24, 4);
				check((int) CAPGET.invokeExact(header, data), "capget");
				int effective = data.get(JAVA_INT, 0);
				data.set(JAVA_INT, 0, effective & ~(1 << CAP_NET_RAW));
				check((int) CAPSET.invokeExact(header, data), "capset");
				try {
					return inner.open(family, kind);
				}
				finally {
					data.set(JAVA_INT, 0, effective);
					check((int) CAPSET.invokeExact(header, data), "capset");
				}
			}
			catch (NativeError | RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	private static void check(int rc, String call) {
		if (rc != 0) {
			throw new IllegalStateException(call + " failed");
		}
	}

}
