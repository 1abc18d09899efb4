package dev.asyncore.probe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on what probes hold in memory, over every loop of an exporter: bodies kept for
 * {@code fail_if_body_*} and their text, decoders' buffers, TLS buffers, DNS replies, line buffers.
 * It is the probe side's counterpart of the reactor's output-queue {@code MemoryBudget}, derived from
 * the heap the same way; where that one pauses a reader, a probe that would pass its bound fails.
 *
 * <ul>
 * <li>A probe takes a {@link Lease} and reserves bytes before it allocates them; the lease is closed
 * when the probe ends, which returns everything it held.</li>
 * <li>A probe may hold at most {@link #share()} (a quarter of {@link #max()}), so that one target
 * cannot take the whole budget from the others.</li>
 * <li>A reservation that would take the probe past its share, or all probes past {@link #max()}, is
 * refused with a {@link Refused} whose message says which bound and by how much: the probe fails
 * with it in its log, and nothing was allocated.</li>
 * </ul>
 *
 * <p>Thread-safe: the totals are atomic, so that loops share one budget. A lease belongs to its probe
 * and is used on that probe's loop thread only.
 */
public final class ProbeMemory {

	/** A probe may hold at most this fraction of the budget. */
	public static final int SHARE_DIVISOR = 4;

	/**
	 * What a probe's TLS connection is charged: tls-channel's buffers (a TLS record each for encrypted
	 * input, encrypted output and plain input) and the engine's own.
	 */
	public static final int TLS_BYTES = 64 * 1024;

	private final long max;

	private final long share;

	private final AtomicLong used = new AtomicLong();

	private final AtomicLong peak = new AtomicLong();

	private final AtomicLong refusals = new AtomicLong();

	/**
	 * A budget of {@code max} bytes, each probe's share a quarter of it.
	 * @throws IllegalArgumentException below 1 MiB
	 */
	public ProbeMemory(long max) {
		if (max < (1L << 20)) {
			throw new IllegalArgumentException("probe memory must be at least 1 MiB, was " + max + " bytes");
		}
		this.max = max;
		this.share = max / SHARE_DIVISOR;
	}

	/** A quarter of the heap limit ({@code -Xmx}, else the JVM's default). */
	public static long defaultMax() {
		return Runtime.getRuntime().maxMemory() / 4;
	}

	/** The bound over all probes, in bytes; any thread. */
	public long max() {
		return this.max;
	}

	/** The most one probe may hold, in bytes; any thread. */
	public long share() {
		return this.share;
	}

	/** Bytes held by all probes now; any thread. */
	public long used() {
		return this.used.get();
	}

	/** The most bytes held at once so far; any thread. */
	public long peak() {
		return this.peak.get();
	}

	/** Reservations refused so far (each one a failed probe); any thread. */
	public long refusals() {
		return this.refusals.get();
	}

	/** A new probe's lease, holding nothing yet. */
	public Lease lease() {
		return new Lease();
	}

	@Override
	public String toString() {
		return "ProbeMemory[" + used() + " of " + this.max + ", share " + this.share + ", peak " + peak() + ", refusals "
				+ refusals() + ']';
	}

	/** What one probe holds of the budget. Its probe's loop thread only. */
	public final class Lease implements AutoCloseable {

		private long held;

		private boolean closed;

		private Lease() {
		}

		/** The most this probe may hold, in bytes: its share of the budget. */
		public long share() {
			return ProbeMemory.this.share;
		}

		/**
		 * Reserves {@code bytes} more for {@code what} ("the response body", ...), before they are allocated.
		 * @throws Refused if this probe would pass its share, or all probes the budget (or the lease is closed)
		 */
		public void reserve(long bytes, String what) throws Refused {
			if (bytes <= 0) {
				return;
			}
			if (this.closed) {
				throw refused("probe memory: " + what + " needs " + bytes + " bytes after the probe ended");
			}
			if (this.held + bytes > ProbeMemory.this.share) {
				throw refused("probe memory: " + what + " needs " + bytes + " more bytes; this probe holds " + this.held
						+ " of its share of " + ProbeMemory.this.share + " bytes (a quarter of the probe memory budget of "
						+ ProbeMemory.this.max + " bytes)");
			}
			long total;
			do {
				long now = ProbeMemory.this.used.get();
				total = now + bytes;
				if (total > ProbeMemory.this.max) {
					throw refused("probe memory: " + what + " needs " + bytes + " more bytes; probes hold " + now + " of the "
							+ ProbeMemory.this.max + "-byte probe memory budget");
				}
				if (ProbeMemory.this.used.compareAndSet(now, total)) {
					break;
				}
			}
			while (true);
			this.held += bytes;
			ProbeMemory.this.peak.accumulateAndGet(total, Math::max);
		}

		/** Returns {@code bytes} that were reserved and are no longer held. */
		public void release(long bytes) {
			long returned = Math.min(bytes, this.held);
			if (returned > 0) {
				this.held -= returned;
				ProbeMemory.this.used.addAndGet(-returned);
			}
		}

		/** Bytes this probe holds now. */
		public long held() {
			return this.held;
		}

		/** Returns everything this probe holds; later reservations are refused. Idempotent. */
		@Override
		public void close() {
			release(this.held);
			this.closed = true;
		}

		private Refused refused(String message) {
			ProbeMemory.this.refusals.incrementAndGet();
			return new Refused(message);
		}

	}

	/** A reservation the budget refused; the message names the bound. */
	public static final class Refused extends Exception {

		private static final long serialVersionUID = 1L;

		Refused(String message) {
			super(message, null, false, false);
		}

	}

}
