package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * How the loop delivers each kind of event to a {@link Dispatcher} (asyncore's {@code readwrite}
 * and {@code handle_*_event}), with the one guard around the user code it runs. There is one entry
 * point per event, and each runs the hooks for it in asyncore's order:
 * <ul>
 * <li>{@link #deliverReadiness}: accept readiness runs {@code handleAccept} only; connect readiness
 * finishes the connection ({@link #deliverConnect}, or {@link #deliverConnectFailure}), then runs
 * {@code handleWrite} if the dispatcher is {@code writable()} (the socket is, as asyncore's
 * {@code handle_write_event} assumes); read and write readiness, after the transport's mapping (see
 * {@link Transport#readyOps}), run {@code handleRead} then {@code handleWrite}. A lingering
 * connection only drops its input.</li>
 * <li>{@link #deliverAlwaysReady}: a channel the selector cannot watch (a file) gets one read and
 * one write per pass.</li>
 * <li>{@link #deliverTimeout}, {@link #deliverClose}, {@link #deliverError}, {@link #deliverActivation}
 * (the first interest), {@link #connectStarted} (a connect that ended inside the verb is delivered
 * on the next pass).</li>
 * <li>{@link #runTask}: a timer or a queued task, which belongs to no dispatcher.</li>
 * </ul>
 * After an event, interest is recomputed ({@code readable()} and {@code writable()} are user code
 * too). Nothing runs once the dispatcher closed.
 *
 * <h2>Where failures go</h2>
 * {@link ExitNow} passes through, here only, and leaves the loop. A disconnect leads to
 * {@code handleClose}; anything else reaches the dispatcher's {@code handleError}, as asyncore's
 * {@code handle_error}. A {@code handleClose} that fails reaches {@code handleError} and the
 * dispatcher closes all the same; a {@code handleError} that fails is logged and the dispatcher
 * closes; so does one whose interest cannot be computed. An {@link Error} is not caught.
 *
 * <p>An event's path allocates nothing (no lambda, no iterator, no boxed argument): typed entry
 * points instead of a generic "run this" guard. Loop thread only.
 */
final class EventDelivery {

	private static final Logger logger = LoggerFactory.getLogger(EventDelivery.class);

	/** A task that handles its own failure instead of having it logged (a connection being set up). */
	interface GuardedTask extends Runnable {

		void failed(Exception failure);

	}

	private EventDelivery() {
	}

	// ---------------------------------------------------------------- entry points

	/** The selector reported {@code ready} for {@code d}'s channel (or a transport holds input). */
	static void deliverReadiness(Dispatcher d, int ready) {
		Lifecycle state = d.lifecycle();
		if (state.isClosed()) {
			return;
		}
		if (state == Lifecycle.LINGERING) {
			LingeringClose.discardInput(d);
			return;
		}
		try {
			readiness(d, ready);
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			deliverError(d, ex);
		}
		refreshInterest(d);
	}

	/** A channel the selector cannot watch (a file) is always ready: one read and one write per pass. */
	static void deliverAlwaysReady(Dispatcher d) {
		if (d.isClosed()) {
			return;
		}
		try {
			if (!d.isInputShutdown() && d.readable()) {
				d.stats().increment(Counter.READS);
				d.handleRead();
			}
			if (!d.isClosed() && d.writable()) {
				d.handleWrite();
			}
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			deliverError(d, ex);
		}
	}

	/**
	 * The connection is established: it counts as a connect and as an active connection, then
	 * {@code handleConnect} runs.
	 */
	static void deliverConnect(Dispatcher d) {
		d.connected();
		d.stats().increment(Counter.CONNECTS);
		try {
			d.handleConnect();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			deliverError(d, ex);
		}
	}

	/** A connect failed ({@code failure}): {@code handleError}, then {@code handleClose}, as asyncore does. */
	static void deliverConnectFailure(Dispatcher d, IOException failure) {
		if (d.lifecycle() != Lifecycle.CONNECTING) {
			return;
		}
		d.setLifecycle(Lifecycle.NEW);
		d.stats().increment(Counter.ERRORS);
		handleError(d, failure);
		deliverClose(d);
	}

	/**
	 * {@code connect()} started {@code d}'s connection ({@code done} if it is established already).
	 * A handshake with a local peer has usually completed inside the verb: one poll tells, and saves
	 * the selector a registration and a wake-up. A connect that ended so (done or refused) is
	 * delivered on the next pass, to keep the asynchronous contract (no hook runs inside a verb), and
	 * the dispatcher waits for nothing meanwhile: one that then closes never touches the selector.
	 * Otherwise the selector waits for the connection.
	 */
	static void connectStarted(Dispatcher d, boolean done) {
		IOException failure = null;
		if (!done) {
			try {
				done = ((SocketChannel) d.channel).finishConnect();
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		if (done || failure != null) {
			d.registration.hold();
			IOException failed = failure;
			d.reactor.execute(() -> deliverConnectResult(d, failed));
			return;
		}
		d.updateInterest();
	}

	/**
	 * A connect that ended inside the verb, on the next pass: as if the selector had reported it
	 * (connect, then write).
	 * @param failure why it failed, or {@code null} if it completed
	 */
	private static void deliverConnectResult(Dispatcher d, IOException failure) {
		d.registration.release();
		if (failure != null) {
			deliverConnectFailure(d, failure);
			return;
		}
		deliverReadiness(d, SelectionKey.OP_CONNECT);
	}

	/** No byte moved for the idle timeout. */
	static void deliverTimeout(Dispatcher d) {
		if (d.isClosed()) {
			return;
		}
		d.stats().increment(Counter.TIMEOUTS);
		try {
			d.handleTimeout();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			deliverError(d, ex);
		}
		refreshInterest(d);
	}

	/** First interest computation, after the constructor chain finished (see {@link SocketMap}). */
	static void deliverActivation(Dispatcher d) {
		if (!d.isClosed() && d.registration.activate()) {
			refreshInterest(d);
		}
	}

	/** Runs {@code handleClose} unless {@code d} is already closed. */
	static void deliverClose(Dispatcher d) {
		if (d.isClosed()) {
			return;
		}
		try {
			d.handleClose();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			// asyncore: handle_close is a hook like the others, its failure goes to handle_error;
			// a handleClose that failed must still leave the map
			if (!d.isClosed()) {
				d.stats().increment(Counter.ERRORS);
				handleError(d, ex);
				Dispatcher.closeQuietly(d::close);
			}
		}
	}

	/** Routes a failure of {@code d}'s code: a disconnect closes, anything else reaches {@code handleError}. */
	static void deliverError(Dispatcher d, Throwable failure) {
		if (d.isClosed()) {
			logger.debug("{}: error after close", d, failure);
			return;
		}
		if (Disconnects.isDisconnect(failure)) {
			d.disconnected();
			deliverClose(d);
			return;
		}
		Transport transport = d.transport;
		if (transport != null && transport.isServerSide() && Disconnects.isTlsFailure(failure)) {
			// One DEBUG line, no stack trace: on a public port every scanner causes these.
			d.stats().increment(Counter.TLS_HANDSHAKE_FAILED);
			logger.debug("{}: TLS failed, closing: {}", d, rootMessage(failure));
			d.disconnected();
			deliverClose(d);
			return;
		}
		d.stats().increment(Counter.ERRORS);
		handleError(d, failure);
	}

	/**
	 * Runs a task of the reactor's queue or timers; no dispatcher. A {@link GuardedTask} handles its
	 * own failure; any other failure is logged.
	 * @return whether it completed
	 */
	static boolean runTask(Runnable task) {
		try {
			task.run();
			return true;
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			if (task instanceof GuardedTask guarded) {
				guarded.failed(ex);
			}
			else {
				logger.warn("Task {} failed on {}", task, Thread.currentThread().getName(), ex);
			}
			return false;
		}
	}

	/**
	 * A channel operation inside a verb failed: a disconnect runs {@code handleClose} and the verb
	 * returns 0; a write on a socket still connecting is would-block (the kernel says so, Java throws);
	 * anything else is thrown as unchecked, to reach {@code handleError} through the hook that called
	 * the verb.
	 */
	static int verbFailed(Dispatcher d, Exception failure) {
		if (failure instanceof NotYetConnectedException notYet) {
			if (d.lifecycle() == Lifecycle.CONNECTING) {
				return 0;
			}
			throw notYet;
		}
		if (Disconnects.isDisconnect(failure)) {
			d.disconnected();
			deliverClose(d);
			return 0;
		}
		throw new UncheckedIOException((IOException) failure);
	}

	// ---------------------------------------------------------------- inside the guard

	/** The hooks {@code ready} calls for. */
	private static void readiness(Dispatcher d, int ready) throws IOException {
		if ((ready & SelectionKey.OP_ACCEPT) != 0) {
			d.handleAccept();
			return;
		}
		if ((ready & SelectionKey.OP_CONNECT) != 0) {
			finishConnect(d);
			ready &= ~SelectionKey.OP_CONNECT;
			if (d.isConnected() && d.writable()) {
				// a connect completes as the socket turns writable: asyncore's handle_write_event runs
				// handle_connect_event, then handle_write, in one event; what was queued goes out now
				ready |= SelectionKey.OP_WRITE;
			}
		}
		Transport transport = d.transport;
		if (transport != null && !d.isClosed()) {
			ready = transport.readyOps(ready);
		}
		if ((ready & SelectionKey.OP_READ) != 0 && !d.isClosed()) {
			d.stats().increment(Counter.READS);
			d.handleRead();
		}
		if ((ready & SelectionKey.OP_WRITE) != 0 && !d.isClosed()) {
			d.handleWrite();
		}
	}

	/** Finishes a pending connection; a failed connect reaches handleError and then handleClose. */
	private static void finishConnect(Dispatcher d) {
		if (d.lifecycle() != Lifecycle.CONNECTING) {
			return;
		}
		try {
			if (!((SocketChannel) d.channel).finishConnect()) {
				return;
			}
		}
		catch (IOException ex) {
			deliverConnectFailure(d, ex);
			return;
		}
		deliverConnect(d);
	}

	/**
	 * Recomputes interest; a layered transport (TLS) that holds decoded input the socket will not
	 * signal again gets a read on the next pass without waiting.
	 */
	static void refreshInterest(Dispatcher d) {
		try {
			d.updateInterest();
			Transport transport = d.transport;
			if (transport != null && !d.isClosed() && !d.isInputShutdown() && transport.hasBufferedInput()
					&& d.readable()) {
				d.reactor.readyAgain(d);
			}
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			// a dispatcher whose interest cannot be computed cannot be driven
			deliverError(d, ex);
			Dispatcher.closeQuietly(d::close);
		}
	}

	/** Runs {@code handleError}; if that fails too, the failure is logged and {@code d} closes. */
	private static void handleError(Dispatcher d, Throwable failure) {
		try {
			d.handleError(failure);
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.warn("{}: handleError failed, closing", d, ex);
			Dispatcher.closeQuietly(d::close);
		}
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

}
