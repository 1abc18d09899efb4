package dev.asyncore.boot.reactor;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;

/**
 * Drains a reactor within a grace period, on its loop thread:
 * <ol>
 * <li>at once, listeners close: new connections are refused, UDP sockets stop;</li>
 * <li>for the first three quarters of the grace, open connections are served as usual, so a client
 * that finishes in time gets its whole exchange;</li>
 * <li>for the last quarter, buffered connections stop reading and flush what they already received
 * ({@link BufferedDispatcher#closeWhenDone()}); other dispatchers close;</li>
 * <li>at the deadline, whatever is left is closed.</li>
 * </ol>
 * It finishes as soon as the map is empty, and then runs {@code onDone} (once). Loop thread only.
 */
final class GracefulShutdown {

	private static final Logger logger = LoggerFactory.getLogger(GracefulShutdown.class);

	/** How often the map is checked for emptiness: the longest an empty drain waits to finish. */
	private static final Duration POLL = Duration.ofMillis(20);

	private final Reactor reactor;

	private final List<BoundListener> listeners;

	private final Duration grace;

	private final Runnable onDone;

	private final long startNanos = System.nanoTime();

	private TimerHandle flushTimer;

	private TimerHandle deadlineTimer;

	private boolean done;

	GracefulShutdown(Reactor reactor, List<BoundListener> listeners, Duration grace, Runnable onDone) {
		this.reactor = reactor;
		this.listeners = listeners;
		this.grace = grace;
		this.onDone = onDone;
	}

	void begin() {
		for (BoundListener listener : this.listeners) {
			listener.dispatcher().close();
		}
		logger.info("Stopped accepting; draining {} connection(s) for up to {}", this.reactor.size(), this.grace);
		this.flushTimer = this.reactor.schedule(this.grace.multipliedBy(3).dividedBy(4), this::flush);
		this.deadlineTimer = this.reactor.schedule(this.grace, this::deadline);
		check();
	}

	private void check() {
		if (this.done) {
			return;
		}
		if (this.reactor.size() == 0) {
			finish();
		}
		else {
			this.reactor.schedule(POLL, this::check);
		}
	}

	private void flush() {
		List<Dispatcher> open = this.reactor.dispatchers();
		logger.info("Grace period ending: {} connection(s) stop reading and flush their output", open.size());
		for (Dispatcher dispatcher : open) {
			if (dispatcher instanceof BufferedDispatcher buffered) {
				buffered.closeWhenDone();
			}
			else {
				dispatcher.close();
			}
		}
	}

	private void deadline() {
		int left = this.reactor.size();
		if (left > 0) {
			logger.warn("Grace period of {} over: closing {} connection(s) that did not finish", this.grace, left);
		}
		this.reactor.closeAll();
		finish();
	}

	private void finish() {
		if (this.done) {
			return;
		}
		this.done = true;
		this.flushTimer.cancel();
		this.deadlineTimer.cancel();
		logger.info("Drained in {} ms", Duration.ofNanos(System.nanoTime() - this.startNanos).toMillis());
		this.onDone.run();
	}

}
