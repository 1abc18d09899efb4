package dev.asyncore.core;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import dev.asyncore.core.HookGuard.Hook;
import dev.asyncore.core.ListenerStats.Counter;

/**
 * Which hooks a readiness runs: accept readiness runs {@code handleAccept} only; connect readiness
 * finishes the connection and runs {@code handleConnect}, then {@code handleWrite} if the
 * dispatcher is {@code writable()} (the socket is, as asyncore's {@code handle_write_event}
 * assumes); read and write readiness (after the
 * transport's mapping, see {@link Transport#readyOps}) run {@code handleRead} then
 * {@code handleWrite}; nothing runs once the dispatcher closed. Called inside the {@link HookGuard},
 * which routes what these throw. Loop thread only.
 */
final class ReadyEvents {

	private ReadyEvents() {
	}

	/** The selector reported {@code ready} for {@code d}'s channel (or a transport holds input). */
	static void selected(Dispatcher d, int ready) {
		Lifecycle state = d.lifecycle();
		if (state.isClosed()) {
			return;
		}
		if (state == Lifecycle.LINGERING) {
			LingeringClose.discardInput(d);
			return;
		}
		HookGuard.run(Hook.READY, d, ready, null);
		HookGuard.run(Hook.INTEREST, d);
	}

	/** A channel the selector cannot watch had its pass. */
	static void alwaysReady(Dispatcher d) {
		if (!d.isClosed()) {
			HookGuard.run(Hook.ALWAYS_READY, d);
		}
	}

	/** Inside the guard: the hooks {@code ready} calls for. */
	static void deliver(Dispatcher d, int ready) throws IOException {
		if ((ready & SelectionKey.OP_ACCEPT) != 0) {
			d.handleAccept();
			return;
		}
		if ((ready & SelectionKey.OP_CONNECT) != 0) {
			connectEvent(d);
			ready &= ~SelectionKey.OP_CONNECT;
			if (d.isConnected() && d.writable()) {
				// a connect completes as the socket turns writable: asyncore's handle_write_event runs
				// handle_connect_event, then handle_write, in one event; what was queued goes out now
				ready |= SelectionKey.OP_WRITE;
			}
		}
		Transport transport = d.transport();
		if (transport != null && !d.isClosed()) {
			ready = transport.readyOps(ready);
		}
		if ((ready & SelectionKey.OP_READ) != 0 && !d.isClosed()) {
			d.count(Counter.READS);
			d.handleRead();
		}
		if ((ready & SelectionKey.OP_WRITE) != 0 && !d.isClosed()) {
			d.handleWrite();
		}
	}

	/** A channel the selector cannot watch (a file) is always ready: one read and one write per pass. */
	static void deliverAlwaysReady(Dispatcher d) throws IOException {
		if (!d.isInputShutdown() && d.readable()) {
			d.count(Counter.READS);
			d.handleRead();
		}
		if (!d.isClosed() && d.writable()) {
			d.handleWrite();
		}
	}

	/**
	 * Finishes a pending connection. A failed connect reaches handleError and then handleClose, as in
	 * asyncore; a successful one counts as a connect and as an active connection, then runs
	 * handleConnect.
	 */
	static void connectEvent(Dispatcher d) {
		if (d.lifecycle() != Lifecycle.CONNECTING) {
			return;
		}
		try {
			if (!((SocketChannel) d.channel()).finishConnect()) {
				return;
			}
		}
		catch (IOException ex) {
			connectFailed(d, ex);
			return;
		}
		d.connected();
		d.count(Counter.CONNECTS);
		HookGuard.run(Hook.CONNECT, d);
	}

	/** A connect failed ({@code failure}): handleError, then handleClose, as asyncore does. */
	private static void connectFailed(Dispatcher d, IOException failure) {
		if (d.lifecycle() != Lifecycle.CONNECTING) {
			return;
		}
		d.setLifecycle(Lifecycle.NEW);
		d.count(Counter.ERRORS);
		HookGuard.run(Hook.ERROR, d, failure);
		HookGuard.closeEvent(d);
	}

	/**
	 * A connect that ended inside the verb, delivered on the next pass (no hook runs inside a verb).
	 * @param failure why it failed, or {@code null} if it completed
	 */
	static void connectEnded(Dispatcher d, IOException failure) {
		d.connectEventPending = false;
		if (failure != null) {
			connectFailed(d, failure);
			return;
		}
		selected(d, SelectionKey.OP_CONNECT); // as if the selector had reported it: connect, then write
	}

	/** First interest computation, after the constructor chain finished (see {@link SocketMap}). */
	static void activate(Dispatcher d) {
		if (!d.isClosed() && d.activateInterest()) {
			HookGuard.run(Hook.INTEREST, d);
		}
	}

	/** No byte moved for the idle timeout. */
	static void idleEvent(Dispatcher d) {
		if (d.isClosed()) {
			return;
		}
		d.count(Counter.TIMEOUTS);
		HookGuard.run(Hook.TIMEOUT, d);
		HookGuard.run(Hook.INTEREST, d);
	}

	/**
	 * A layered transport (TLS) may hold decoded input the socket will not signal again: the reactor
	 * then delivers a read on its next pass without waiting.
	 */
	static void rearmBufferedInput(Dispatcher d) {
		Transport transport = d.transport();
		if (transport != null && !d.isClosed() && !d.isInputShutdown() && transport.hasBufferedInput()
				&& d.readable()) {
			d.reactor().readyAgain(d);
		}
	}

}
