package dev.asyncore.probe.icmp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A network namespace a test creates with iproute2 ({@code ip netns add}) and deletes when closed,
 * and a socket opener that opens the prober's ICMP sockets inside it: {@code setns(2)} moves only
 * the calling thread, so the loop thread enters the namespace for the {@code socket(2)} call and
 * returns at once. Sockets keep their namespace for life. Needs root (CAP_SYS_ADMIN) and {@code ip}.
 */
final class Netns implements AutoCloseable {

	private static final int CLONE_NEWNET = 0x40000000;

	private static final int O_RDONLY_CLOEXEC = 0x80000;

	private static final AtomicInteger COUNT = new AtomicInteger();

	private static final Linker LINKER = Linker.nativeLinker();

	private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

	private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

	private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
			FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private final String name;

	private Netns(String name) {
		this.name = name;
	}

	/** Whether this process may create namespaces: root with iproute2. */
	static boolean available() {
		try {
			run(List.of("ip", "netns", "list"));
			return "0".equals(run(List.of("id", "-u")).strip());
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A new namespace with its loopback up. */
	static Netns create() throws IOException {
		Netns netns = new Netns("asyncore-icmp-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet());
		run(List.of("ip", "netns", "add", netns.name));
		netns.ip("link", "set", "lo", "up");
		return netns;
	}

	String name() {
		return this.name;
	}

	/** {@code ip -n NAME args...}. */
	Netns ip(String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of("ip", "-n", this.name));
		command.addAll(List.of(args));
		run(command);
		return this;
	}

	/**
	 * Routes 10.250.0.0/24 and fd00:250::/64 to a veth pair whose far end has no address, with a
	 * permanent neighbour entry (no ARP or neighbour discovery): 10.250.0.2 and fd00:250::2 take every
	 * packet and never answer.
	 */
	Netns silentPeers() throws IOException {
		ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
		ip("addr", "add", "10.250.0.1/24", "dev", "v0");
		ip("addr", "add", "fd00:250::1/64", "dev", "v0", "nodad");
		ip("link", "set", "v0", "up");
		ip("link", "set", "v1", "up");
		ip("neigh", "add", "10.250.0.2", "lladdr", "02:00:00:00:00:02", "dev", "v0", "nud", "permanent");
		ip("neigh", "add", "fd00:250::2", "lladdr", "02:00:00:00:00:02", "dev", "v0", "nud", "permanent");
		return this;
	}

	/** Sets a sysctl of this namespace only ({@code ip netns exec NAME sysctl -w key=value}). */
	Netns sysctl(String key, String value) throws IOException {
		run(List.of("ip", "netns", "exec", this.name, "sysctl", "-q", "-w", key + "=" + value));
		return this;
	}

	/** {@code command} started inside the namespace. */
	Process start(String... command) throws IOException {
		List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", this.name));
		all.addAll(List.of(command));
		return new ProcessBuilder(all).redirectErrorStream(true).start();
	}

	/** {@code inner}, called with the calling thread inside this namespace. */
	IcmpSocket.Opener opener(IcmpSocket.Opener inner) {
		return (family, kind) -> inside(() -> inner.open(family, kind));
	}

	/** Runs {@code action} on this thread inside this namespace, then returns the thread to where it was. */
	<T> T inside(Action<T> action) throws NativeError {
		try (Arena arena = Arena.ofConfined()) {
			int home = (int) OPEN.invokeExact(arena.allocateFrom("/proc/thread-self/ns/net"), O_RDONLY_CLOEXEC);
			int there = (int) OPEN.invokeExact(arena.allocateFrom("/var/run/netns/" + this.name), O_RDONLY_CLOEXEC);
			if (home < 0 || there < 0) {
				throw new IllegalStateException("cannot open the namespaces of " + this.name);
			}
			try {
				if ((int) SETNS.invokeExact(there, CLONE_NEWNET) != 0) {
					throw new IllegalStateException("setns into " + this.name + " failed");
				}
				try {
					return action.run();
				}
				finally {
					if ((int) SETNS.invokeExact(home, CLONE_NEWNET) != 0) {
						throw new IllegalStateException("setns back from " + this.name + " failed");
					}
				}
			}
			finally {
				int a = (int) CLOSE.invokeExact(home);
				int b = (int) CLOSE.invokeExact(there);
			}
		}
		catch (NativeError | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What runs inside. */
	@FunctionalInterface
	interface Action<T> {

		T run() throws NativeError;

	}

	@Override
	public void close() throws IOException {
		run(List.of("ip", "netns", "delete", this.name));
	}

	@Override
	public String toString() {
		return "netns " + this.name;
	}

	/** Runs a command to its end (at most 30 s); its output, or an exception with it if it failed. */
	static String run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(command + " did not end within 30s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException(command + " failed (" + process.exitValue() + "): " + output);
		}
		return output;
	}

}
