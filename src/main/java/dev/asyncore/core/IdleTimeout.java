package dev.asyncore.core;

import java.time.Duration;

/**
 * A dispatcher's idle timeout: one timer against the time the last byte moved, re-armed only when it
 * fires early, so that traffic costs a field write per send or receive and no timer work. Loop
 * thread only.
 */
final class IdleTimeout {

	private final Reactor reactor;

	private final long timeoutNanos;

	private final Runnable onIdle;

	private long lastActivityNanos;

	private TimerHandle timer;

	/** Starts counting now; {@code onIdle} runs once no byte moved for {@code timeout}. */
	IdleTimeout(Reactor reactor, Duration timeout, Runnable onIdle) {
		this.reactor = reactor;
		this.timeoutNanos = timeout.toNanos();
		this.onIdle = onIdle;
		this.lastActivityNanos = reactor.now();
		arm(this.timeoutNanos);
	}

	/** A byte moved. */
	void touch() {
		this.lastActivityNanos = this.reactor.now();
	}

	void cancel() {
		this.timer.cancel();
	}

	private void arm(long delayNanos) {
		this.timer = this.reactor.schedule(Duration.ofNanos(delayNanos), this::check);
	}

	private void check() {
		long idle = System.nanoTime() - this.lastActivityNanos;
		if (idle < this.timeoutNanos) {
			arm(this.timeoutNanos - idle);
		}
		else {
			this.onIdle.run();
		}
	}

}
