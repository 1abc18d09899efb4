package dev.asyncore.probe.icmp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The one thread that waits on every ICMP socket of the process: {@code poll(2)} over the
 * registered sockets and an {@code eventfd} that wakes it when one is added or cancelled. Java's
 * selector cannot hold a raw descriptor, so this thread stands in for it; it reads what arrives and
 * hands each datagram to its socket's {@link Handler}, which posts what matters to its probe's loop.
 * It never runs probe logic. It alone closes registered sockets, after they left the poll set, so a
 * reused descriptor number never reaches the wrong probe.
 * <p>
 * {@link #register} and {@link #cancel} may be called from any thread; handlers run on the poller.
 */
final class IcmpPoller implements Runnable {

	/** Called on the poller thread for each datagram; must not block. */
	@FunctionalInterface
	interface Handler {

		void received(IcmpSocket.Datagram datagram);

	}

	/** A socket in the poll set, until cancelled. */
	static final class Registration {

		private final IcmpSocket socket;

		private final Handler handler;

		private volatile boolean cancelled;

		private boolean closed;

		private Registration(IcmpSocket socket, Handler handler) {
			this.socket = socket;
			this.handler = handler;
		}

		@Override
		public String toString() {
			return "Registration[" + this.socket + (this.cancelled ? ", cancelled" : "") + "]";
		}

	}

	private static final Logger logger = LoggerFactory.getLogger(IcmpPoller.class);

	/** Datagrams read from one socket per wake-up, so one flooded socket cannot starve the others. */
	private static final int BATCH = 64;

	private final ConcurrentLinkedQueue<Registration> changes = new ConcurrentLinkedQueue<>();

	private final int wakeFd;

	private IcmpPoller(int wakeFd) {
		this.wakeFd = wakeFd;
	}

	/** The process's poller, its thread started on first use. */
	static IcmpPoller shared() {
		return Holder.SHARED;
	}

	private static final class Holder {

		static final IcmpPoller SHARED = start();

		private static IcmpPoller start() {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment state = Libc.state(arena);
				int fd = (int) Libc.EVENTFD.invokeExact(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
				if (fd < 0) {
					throw new IllegalStateException(Libc.error("eventfd", state));
				}
				IcmpPoller poller = new IcmpPoller(fd);
				Thread.ofPlatform().name("asyncore-icmp-poller").daemon().start(poller);
				return poller;
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/** Adds {@code socket} to the poll set; its datagrams go to {@code handler}. Any thread. */
	Registration register(IcmpSocket socket, Handler handler) {
		Registration registration = new Registration(socket, handler);
		this.changes.add(registration);
		wake();
		return registration;
	}

	/**
	 * Takes the socket out of the poll set and closes it; its handler is not called after the poller
	 * saw the cancel (a datagram read just before may still be on its way). Any thread; idempotent.
	 */
	void cancel(Registration registration) {
		registration.cancelled = true;
		this.changes.add(registration);
		wake();
	}

	private void wake() {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment one = arena.allocate(JAVA_LONG);
			one.set(JAVA_LONG, 0, 1L);
			long ignored = (long) Libc.WRITE.invokeExact(Libc.state(arena), this.wakeFd, one, 8L);
		}
		catch (Throwable ex) {
			// eventfd write fails only when its counter is at its maximum: the poller is awake anyway
		}
	}

	@Override
	public void run() {
		List<Registration> active = new ArrayList<>();
		try (Arena arena = Arena.ofConfined()) {
			IcmpSocket.Buffers buffers = new IcmpSocket.Buffers(arena);
			MemorySegment counter = arena.allocate(JAVA_LONG);
			MemorySegment fds = arena.allocate(8L * 64, 8);
			while (true) {
				applyChanges(active);
				if (fds.byteSize() < 8L * (active.size() + 1)) {
					fds = arena.allocate(8L * Math.max(2L * active.size(), 64), 8);
				}
				fill(fds, active);
				int ready = (int) Libc.POLL.invokeExact(buffers.state, fds, (long) active.size() + 1, -1);
				if (ready < 0) {
					continue; // EINTR; nothing else can fail for a valid array
				}
				if ((fds.get(JAVA_SHORT, 6) & Libc.POLLIN) != 0) {
					long ignored = (long) Libc.READ.invokeExact(buffers.state, this.wakeFd, counter, 8L);
				}
				for (int i = 0; i < active.size(); i++) {
					short revents = fds.get(JAVA_SHORT, 8L * (i + 1) + 6);
					if (revents != 0) {
						drain(active.get(i), buffers, revents);
					}
				}
			}
		}
		catch (Throwable ex) {
			logger.error("ICMP poller stopped; icmp probes will time out", ex);
		}
	}

	private void applyChanges(List<Registration> active) {
		Registration change;
		while ((change = this.changes.poll()) != null) {
			if (change.cancelled) {
				active.remove(change);
				if (!change.closed) {
					change.closed = true;
					change.socket.close();
				}
			}
			else if (!active.contains(change)) {
				active.add(change);
			}
		}
	}

	private void fill(MemorySegment fds, List<Registration> active) {
		fds.set(JAVA_INT, 0, this.wakeFd);
		fds.set(JAVA_SHORT, 4, Libc.POLLIN);
		fds.set(JAVA_SHORT, 6, (short) 0);
		for (int i = 0; i < active.size(); i++) {
			long at = 8L * (i + 1);
			fds.set(JAVA_INT, at, active.get(i).socket.fd());
			fds.set(JAVA_SHORT, at + 4, Libc.POLLIN);
			fds.set(JAVA_SHORT, at + 6, (short) 0);
		}
	}

	private void drain(Registration registration, IcmpSocket.Buffers buffers, short revents) {
		if (registration.cancelled) {
			return;
		}
		if ((revents & Libc.POLLNVAL) != 0) {
			logger.warn("ICMP socket {} is not open; dropped from the poll set", registration.socket);
			registration.cancelled = true;
			this.changes.add(registration);
			return;
		}
		for (int i = 0; i < BATCH; i++) {
			IcmpSocket.Datagram datagram;
			try {
				datagram = registration.socket.receive(buffers);
			}
			catch (NativeError ex) {
				// a pending socket error (an ICMP error for an earlier send) is cleared by reading it
				logger.debug("ICMP socket {}: {}", registration.socket, ex.getMessage());
				continue;
			}
			if (datagram == null) {
				return;
			}
			try {
				registration.handler.received(datagram);
			}
			catch (RuntimeException ex) {
				logger.warn("ICMP reply handler of {} failed", registration.socket, ex);
			}
		}
	}

}
