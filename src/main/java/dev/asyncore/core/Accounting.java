package dev.asyncore.core;

import java.time.Duration;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * What a dispatcher counts: bytes each way, its age, whether it is one of its listener's active
 * connections, and the idle timeout that traffic keeps at bay. Counting is a few plain field writes
 * per send or receive (the idle timer is not touched, see {@link IdleTimeout}). Loop thread only.
 */
abstract class Accounting {

	private ListenerStats stats;

	private boolean countedActive;

	private long bytesIn;

	private long bytesOut;

	private final long createdNanos = System.nanoTime();

	private IdleTimeout idleTimeout;

	Accounting(ListenerStats stats) {
		this.stats = stats;
	}

	/**
	 * Counts this dispatcher in {@code stats} from now on; an open connection moves its place in the
	 * active-connections gauge along. A listener passes its stats to its handler factory, which sets
	 * them (or the listener does, right after the factory returns).
	 */
	public void setStats(ListenerStats stats) {
		if (this.countedActive) {
			this.stats.connectionClosed();
			stats.connectionOpened();
		}
		this.stats = stats;
	}

	/** The counters this dispatcher counts in: its listener's, or the reactor's default ones. */
	public ListenerStats stats() {
		return this.stats;
	}

	public long bytesReceived() {
		return this.bytesIn;
	}

	public long bytesSent() {
		return this.bytesOut;
	}

	public Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.createdNanos);
	}

	final void count(Counter counter) {
		this.stats.increment(counter);
	}

	final void sent(long n) {
		this.stats.increment(Counter.WRITES);
		this.bytesOut += n;
		this.stats.add(Counter.BYTES_SENT, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	final void received(int n) {
		this.bytesIn += n;
		this.stats.add(Counter.BYTES_RECEIVED, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	/** The connection is established: it counts as active until {@link #countClosed}. */
	final void countOpened() {
		if (!this.countedActive) {
			this.countedActive = true;
			this.stats.connectionOpened();
		}
	}

	/** The dispatcher closed: it leaves the active gauge, and a connection counts as a close. */
	final void countClosed(boolean listener) {
		stopIdleTimeout();
		if (this.countedActive) {
			this.countedActive = false;
			this.stats.connectionClosed();
		}
		if (!listener) {
			this.stats.increment(Counter.CLOSES);
		}
	}

	/** Runs {@code onIdle} once no byte moved for {@code timeout}, replacing an earlier timeout. */
	final void startIdleTimeout(Reactor reactor, Duration timeout, Runnable onIdle) {
		stopIdleTimeout();
		this.idleTimeout = new IdleTimeout(reactor, timeout, onIdle);
	}

	final void stopIdleTimeout() {
		if (this.idleTimeout != null) {
			this.idleTimeout.cancel();
			this.idleTimeout = null;
		}
	}

}
