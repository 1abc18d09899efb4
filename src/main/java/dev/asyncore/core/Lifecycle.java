package dev.asyncore.core;

import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Where a {@link Dispatcher} is in its life: the one value from which its {@code state()}, the base of
 * its selection interest and its {@code toString()} are computed (asyncore spreads the same facts over
 * four flags: {@code connected, accepting, connecting, closing}).
 *
 * <pre>
 * NEW ──connect──▶ CONNECTING ──finishConnect──▶ CONNECTED ──EOF──▶ INPUT_SHUTDOWN
 *  │                                               │  └──reset──▶ BROKEN ──close──▶ CLOSED_BROKEN
 *  └──listen──▶ ACCEPTING                          └──lingerClose──▶ LINGERING
 * any open state ──close──▶ CLOSED
 * </pre>
 */
enum Lifecycle {

	/** A channel that is neither connected nor listening yet (or a UDP socket, which never is). */
	NEW("idle"),

	/** {@code connect} was called; the loop waits for the connection. */
	CONNECTING("connecting"),

	/** Carrying data both ways (sockets, files and pipes). */
	CONNECTED("connected"),

	/** End of stream was read: the peer sends nothing more, writing may go on. */
	INPUT_SHUTDOWN("input-shutdown"),

	/** A reset or broken pipe: nothing more can be read or written. */
	BROKEN("broken"),

	/** A listening socket. */
	ACCEPTING("accepting"),

	/** Output is shut down; late input is read and dropped until the peer closes too. */
	LINGERING("lingering"),

	/** Out of the map, channel closed. */
	CLOSED("closed"),

	/** Closed after a reset or broken pipe ({@code isBroken()} stays true). */
	CLOSED_BROKEN("closed");

	private final String word;

	Lifecycle(String word) {
		this.word = word;
	}

	/** The word {@code state()}, the {@code reactor} endpoint and {@code toString()} show. */
	String word() {
		return this.word;
	}

	boolean isClosed() {
		return this == CLOSED || this == CLOSED_BROKEN;
	}

	/** Whether the peer will send nothing more. */
	boolean isInputShutdown() {
		return this == INPUT_SHUTDOWN || this == BROKEN || this == CLOSED_BROKEN;
	}

	boolean isBroken() {
		return this == BROKEN || this == CLOSED_BROKEN;
	}

	/** Whether the channel carries data (in at least one direction). */
	boolean isConnected() {
		return this == CONNECTED || this == INPUT_SHUTDOWN || this == BROKEN || this == LINGERING;
	}

	/** End of stream read: a broken connection stays broken. */
	Lifecycle endOfInput() {
		return (this == CONNECTED || this == NEW) ? INPUT_SHUTDOWN : this;
	}

	/** A disconnect was seen. */
	Lifecycle disconnected() {
		return isClosed() ? this : BROKEN;
	}

	Lifecycle closed() {
		return isBroken() ? CLOSED_BROKEN : CLOSED;
	}

	/**
	 * The selection interest of {@code d} in this state: fixed by the state where it must be (a
	 * connecting socket waits for its connection, a lingering one for input to drop), else asked of
	 * {@code readable()} and {@code writable()}, and adjusted by the transport.
	 */
	int interestOps(Dispatcher d) {
		switch (this) {
			case LINGERING:
				return SelectionKey.OP_READ;
			case CONNECTING:
				return SelectionKey.OP_CONNECT;
			case ACCEPTING:
				return d.readable() ? SelectionKey.OP_ACCEPT : 0;
			case CLOSED, CLOSED_BROKEN:
				return 0;
			case NEW:
				// an unconnected TCP socket carries nothing yet; a UDP socket carries datagrams at once
				if (d.channel() instanceof SocketChannel || d.channel() instanceof ServerSocketChannel) {
					return 0;
				}
				break;
			default:
				break;
		}
		int ops = (!isInputShutdown() && d.readable()) ? SelectionKey.OP_READ : 0;
		if (d.writable()) {
			ops |= SelectionKey.OP_WRITE;
		}
		Transport transport = d.transport();
		return (transport != null) ? transport.interestOps(ops) : ops;
	}

}
