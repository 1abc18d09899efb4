package dev.asyncore.core;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * A dispatcher's selection key and the interest last written to it. The key is written only when
 * the interest changes: recomputing interest after every event costs a compare, not a system call
 * (on Linux each {@code interestOps} change is an {@code epoll_ctl} on the next select). Loop thread
 * only.
 */
abstract class Registration {

	/** The interest cache before the reactor activated the dispatcher: interest is not computed yet. */
	private static final int NOT_ACTIVATED = -2;

	/** The interest cache on activation: any computed interest differs, so the first one is written. */
	private static final int UNKNOWN = -1;

	private SelectionKey key;

	private int interestOps = NOT_ACTIVATED;

	/** Registers {@code channel} with no interest; {@code attachment} is what the loop dispatches to. */
	final void register(SelectableChannel channel, Selector selector, Object attachment)
			throws ClosedChannelException {
		this.key = channel.register(selector, 0, attachment);
	}

	final boolean isRegistered() {
		return this.key != null;
	}

	/** Interest may now be computed (the constructor chain has finished); the next one is written. */
	final boolean activateInterest() {
		if (this.interestOps != NOT_ACTIVATED) {
			return false;
		}
		this.interestOps = UNKNOWN;
		return true;
	}

	final boolean isActivated() {
		return this.interestOps != NOT_ACTIVATED;
	}

	/** Whether the key still works: closing the channel elsewhere cancels it. */
	final boolean isKeyValid() {
		return this.key.isValid();
	}

	/** What the selector can report for this channel. */
	final int validOps() {
		return this.key.channel().validOps();
	}

	/** Writes {@code ops} to the key if they differ from the interest last written. */
	final void applyInterest(int ops) {
		if (ops != this.interestOps) {
			this.interestOps = ops;
			this.key.interestOps(ops);
		}
	}

	final void cancelKey() {
		if (this.key != null) {
			this.key.cancel();
		}
	}

	/**
	 * The selection interest now set: {@code A}ccept, {@code C}onnect, {@code R}ead, {@code W}rite, or
	 * {@code -} for none. Loop thread.
	 */
	public String interestString() {
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
