package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.NotYetConnectedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * The one guard around user code the loop runs (hooks, {@code readable()}/{@code writable()},
 * timers and tasks), and the one place that decides where its failure goes. {@link ExitNow} passes
 * through, here only, and leaves the loop; a disconnect leads to {@code handleClose}; anything else
 * reaches the dispatcher's {@code handleError}, as asyncore's {@code handle_error}. An {@link Error}
 * is not caught. Loop thread only.
 *
 * <p>What to run is a {@link Hook} constant rather than a lambda: the per-event path allocates nothing
 * and makes no call beyond the hook itself.
 */
final class HookGuard {

	private static final Logger logger = LoggerFactory.getLogger(HookGuard.class);

	/** What the guard runs. */
	enum Hook {

		/** The readiness the selector reported, in {@code ready} (see {@link ReadyEvents#deliver}). */
		READY,

		/** A channel that cannot be selected (a file) gets its pass. */
		ALWAYS_READY,

		CONNECT, CLOSE, TIMEOUT,

		/** {@code handleError(arg)}. */
		ERROR,

		/** Interest recomputed: the predicates are user code too. A failure closes the dispatcher. */
		INTEREST,

		/** A {@link Runnable} ({@code arg}) of the reactor's queue or timers; no dispatcher. */
		TASK

	}

	/** A task that handles its own failure instead of having it logged (a connection being set up). */
	interface GuardedTask extends Runnable {

		void failed(Exception failure);

	}

	private HookGuard() {
	}

	static boolean run(Hook hook, Dispatcher d) {
		return run(hook, d, 0, null);
	}

	static boolean run(Hook hook, Dispatcher d, Object arg) {
		return run(hook, d, 0, arg);
	}

	/**
	 * Runs {@code hook}.
	 * @return whether it completed; {@code false} after its failure was routed
	 */
	static boolean run(Hook hook, Dispatcher d, int ready, Object arg) {
		try {
			switch (hook) {
				case READY -> ReadyEvents.deliver(d, ready);
				case ALWAYS_READY -> ReadyEvents.deliverAlwaysReady(d);
				case CONNECT -> d.handleConnect();
				case CLOSE -> d.handleClose();
				case TIMEOUT -> d.handleTimeout();
				case ERROR -> d.handleError((Throwable) arg);
				case INTEREST -> {
					d.updateInterest();
					ReadyEvents.rearmBufferedInput(d);
				}
				case TASK -> ((Runnable) arg).run();
			}
			return true;
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			failed(hook, d, arg, ex);
			return false;
		}
	}

	private static void failed(Hook hook, Dispatcher d, Object arg, Exception failure) {
		switch (hook) {
			case TASK -> {
				if (arg instanceof GuardedTask task) {
					task.failed(failure);
				}
				else {
					logger.warn("Task {} failed on {}", arg, Thread.currentThread().getName(), failure);
				}
			}
			case ERROR -> {
				logger.warn("{}: handleError failed, closing", d, failure);
				Dispatcher.closeQuietly(d::close);
			}
			case CLOSE -> {
				// asyncore: handle_close is a hook like the others, its failure goes to handle_error;
				// a handleClose that failed must still leave the map
				if (!d.isClosed()) {
					d.count(Counter.ERRORS);
					run(Hook.ERROR, d, failure);
					Dispatcher.closeQuietly(d::close);
				}
			}
			case INTEREST -> {
				// a dispatcher whose interest cannot be computed cannot be driven
				error(d, failure);
				Dispatcher.closeQuietly(d::close);
			}
			default -> error(d, failure);
		}
	}

	/** Routes a failure of {@code d}'s code: a disconnect closes, anything else reaches handleError. */
	static void error(Dispatcher d, Throwable failure) {
		if (d.isClosed()) {
			logger.debug("{}: error after close", d, failure);
			return;
		}
		if (Disconnects.isDisconnect(failure)) {
			d.disconnected();
			closeEvent(d);
			return;
		}
		Transport transport = d.transport();
		if (transport != null && transport.isServerSide() && Disconnects.isTlsFailure(failure)) {
			// One DEBUG line, no stack trace: on a public port every scanner causes these.
			d.count(Counter.TLS_HANDSHAKE_FAILED);
			logger.debug("{}: TLS failed, closing: {}", d, rootMessage(failure));
			d.disconnected();
			closeEvent(d);
			return;
		}
		d.count(Counter.ERRORS);
		run(Hook.ERROR, d, failure);
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/**
	 * A channel operation inside a verb failed: a disconnect runs handleClose and the verb returns 0;
	 * a write on a socket still connecting is would-block (the kernel says so, Java throws); anything
	 * else is thrown as unchecked, to reach handleError through the hook that called the verb.
	 */
	static int ioFailure(Dispatcher d, Exception failure) {
		if (failure instanceof NotYetConnectedException notYet) {
			if (d.lifecycle() == Lifecycle.CONNECTING) {
				return 0;
			}
			throw notYet;
		}
		if (Disconnects.isDisconnect(failure)) {
			d.disconnected();
			closeEvent(d);
			return 0;
		}
		throw new UncheckedIOException((IOException) failure);
	}

	/** Runs handleClose unless {@code d} is already closed. */
	static void closeEvent(Dispatcher d) {
		if (!d.isClosed()) {
			run(Hook.CLOSE, d);
		}
	}

}
