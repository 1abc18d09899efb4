package dev.asyncore.core;

import java.time.Duration;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * What a {@link Dispatcher} counts, held by it: bytes each way, its age, whether it is one of its
 * listener's active connections, and the idle timeout that traffic keeps at bay. Counting is a few
 * plain field writes per send or receive (the idle timer is not touched, see {@link IdleTimeout}).
 * Loop thread only.
 */
final class Accounting {

	private ListenerStats stats;

	private boolean countedActive;

	private long bytesIn;

	private long bytesOut;

	private final long createdNanos = System.nanoTime();

	private IdleTimeout idleTimeout;

	Accounting(ListenerStats stats) {
		this.stats = stats;
	}

	/** Counts in {@code stats} from now on; an open connection moves its place in the active gauge along. */
	void setStats(ListenerStats stats) {
		if (this.countedActive) {
			this.stats.connectionClosed();
			stats.connectionOpened();
		}
		this.stats = stats;
	}

	ListenerStats stats() {
		return this.stats;
	}

	long bytesIn() {
		return this.bytesIn;
	}

	long bytesOut() {
		return this.bytesOut;
	}

	Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.createdNanos);
	}

	void count(Counter counter) {
		this.stats.increment(counter);
	}

	void sent(long n) {
		this.stats.increment(Counter.WRITES);
		this.bytesOut += n;
		this.stats.add(Counter.BYTES_SENT, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	void received(int n) {
		this.bytesIn += n;
		this.stats.add(Counter.BYTES_RECEIVED, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	/** The connection is established: it counts as active until {@link #closed}. */
	void opened() {
		if (!this.countedActive) {
			this.countedActive = true;
			this.stats.connectionOpened();
		}
	}

	/** The dispatcher closed: it leaves the active gauge, and a connection counts as a close. */
	void closed(boolean listener) {
		stopIdleTimeout();
		if (this.countedActive) {
			this.countedActive = false;
			this.stats.connectionClosed();
		}
		if (!listener) {
			this.stats.increment(Counter.CLOSES);
		}
	}

	/**
	 * Delivers a timeout to {@code d} once no byte moved for {@code timeout}, replacing an earlier
	 * one; zero or {@code null} turns it off.
	 */
	void setIdleTimeout(Dispatcher d, Duration timeout) {
		stopIdleTimeout();
		if (timeout != null && timeout.toNanos() > 0 && !d.isClosed()) {
			this.idleTimeout = new IdleTimeout(d.reactor, timeout, () -> EventDelivery.deliverTimeout(d));
		}
	}

	private void stopIdleTimeout() {
		if (this.idleTimeout != null) {
			this.idleTimeout.cancel();
			this.idleTimeout = null;
		}
	}

}
