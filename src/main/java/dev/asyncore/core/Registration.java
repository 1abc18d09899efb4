package dev.asyncore.core;

import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * A dispatcher's selection key and the interest last written to it, held by the {@link Dispatcher}.
 * The key is written only when the interest changes, so recomputing interest after every event
 * costs a compare, not a system call (on Linux each change is an {@code epoll_ctl} on the next
 * select). The channel is registered with the selector only when it first waits for something: a
 * socket that never waits (a connect that completed at once, then closed) costs no
 * {@code epoll_ctl}, and closes at once rather than through the JDK's deferred close of a
 * registered channel (its {@code SO_LINGER} read and {@code shutdown}). Loop thread only.
 */
final class Registration {

	/** The interest cache before the reactor activated the dispatcher: interest is not computed yet. */
	private static final int NOT_ACTIVATED = -2;

	/** The interest cache on activation: any computed interest differs, so the first one is written. */
	private static final int UNKNOWN = -1;

	private SelectionKey key;

	private int interestOps = NOT_ACTIVATED;

	/** A connect that ended inside the verb waits for its event: no interest until it ran. */
	private boolean held;

	/**
	 * Interest may now be computed (the constructor chain has finished); the next one is written.
	 * @return whether it could not before
	 */
	boolean activate() {
		if (this.interestOps != NOT_ACTIVATED) {
			return false;
		}
		this.interestOps = UNKNOWN;
		return true;
	}

	/** Computes no interest until {@link #release()}: a connect event is queued for the next pass. */
	void hold() {
		this.held = true;
	}

	void release() {
		this.held = false;
	}

	/**
	 * Recomputes {@code d}'s interest from its lifecycle, {@code readable()} and {@code writable()}
	 * (see {@link Lifecycle#interestOps}) and writes it to the key if it changed; nothing before
	 * activation, while held, or after close.
	 */
	void update(Dispatcher d) {
		if (this.interestOps == NOT_ACTIVATED || this.held || d.isClosed()) {
			return;
		}
		if ((this.key != null) ? !this.key.isValid() : !d.channel.isOpen()) {
			// The channel was closed behind the dispatcher's back (a subclass constructor that failed
			// after registering, say): there is nothing left to drive, so leave the map.
			d.close();
			return;
		}
		apply(d, d.lifecycle().interestOps(d) & ((SelectableChannel) d.channel).validOps());
	}

	/**
	 * Writes {@code ops} to the key if they differ from the interest last written; the first
	 * non-empty interest registers {@code d}'s channel, with {@code d} attached.
	 * @throws UncheckedIOException if the channel was closed behind the dispatcher's back
	 */
	private void apply(Dispatcher d, int ops) {
		if (ops == this.interestOps) {
			return;
		}
		this.interestOps = ops;
		if (this.key != null) {
			this.key.interestOps(ops);
		}
		else if (ops != 0) {
			try {
				this.key = ((SelectableChannel) d.channel).register(d.reactor.selector(), ops, d);
			}
			catch (ClosedChannelException ex) {
				throw new UncheckedIOException("Cannot register " + d.channel, ex);
			}
		}
	}

	/** Leaves the selector. */
	void cancel() {
		if (this.key != null) {
			this.key.cancel();
		}
	}

	/**
	 * The interest now set: {@code A}ccept, {@code C}onnect, {@code R}ead, {@code W}rite, or
	 * {@code -} for none.
	 */
	@Override
	public String toString() {
		int ops = Math.max(0, this.interestOps);
		StringBuilder sb = new StringBuilder(2);
		if ((ops & SelectionKey.OP_ACCEPT) != 0) {
			sb.append('A');
		}
		if ((ops & SelectionKey.OP_CONNECT) != 0) {
			sb.append('C');
		}
		if ((ops & SelectionKey.OP_READ) != 0) {
			sb.append('R');
		}
		if ((ops & SelectionKey.OP_WRITE) != 0) {
			sb.append('W');
		}
		return (sb.length() > 0) ? sb.toString() : "-";
	}

}
