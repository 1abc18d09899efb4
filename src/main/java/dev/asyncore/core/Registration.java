package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A dispatcher's place in its reactor: the channel, its entry in the map, its selection key and the
 * interest last written to the key. The key is written only when the interest changes, so
 * recomputing interest after every event costs a compare, not a system call (on Linux each change
 * is an {@code epoll_ctl} on the next select). The channel is registered with the selector only
 * when it first waits for something: a socket that never waits (a connect that completed at once,
 * then closed) costs no {@code epoll_ctl}, and closes at once rather than through the JDK's
 * deferred close of a registered channel (its {@code SO_LINGER} read and {@code shutdown}). Loop
 * thread only.
 */
abstract class Registration extends LifecycleState {

	/** The interest cache before the reactor activated the dispatcher: interest is not computed yet. */
	private static final int NOT_ACTIVATED = -2;

	/** The interest cache on activation: any computed interest differs, so the first one is written. */
	private static final int UNKNOWN = -1;

	protected final Reactor reactor;

	/** Read directly by Dispatcher's send and recv, the per-event path. */
	Channel channel;

	Transport transport;

	private SocketAddress remoteAddress;

	private SelectionKey key;

	private int interestOps = NOT_ACTIVATED;

	Registration(Reactor reactor) {
		super(reactor.defaultStats());
		this.reactor = reactor;
	}

	/**
	 * Puts {@code channel} in the map (asyncore's {@code set_socket}); a selectable channel is made
	 * non-blocking (and registered on its first interest), any other (a {@code FileChannel}) is
	 * treated as always ready.
	 */
	public void setSocket(Channel channel) throws IOException {
		this.reactor.checkOwner();
		if (this.channel != null) {
			throw new IllegalStateException(this + " already has a channel");
		}
		this.channel = channel;
		Dispatcher self = (Dispatcher) this; // the only subclass
		if (channel instanceof SelectableChannel selectable) {
			selectable.configureBlocking(false);
		}
		this.reactor.add(self, channel instanceof SelectableChannel);
		if (channel instanceof SocketChannel socket) {
			if (socket.isConnected()) {
				this.remoteAddress = socket.getRemoteAddress();
				connected();
			}
			else if (socket.isConnectionPending()) {
				setLifecycle(Lifecycle.CONNECTING);
			}
		}
		else if (!(channel instanceof NetworkChannel)) {
			setLifecycle(Lifecycle.CONNECTED); // files and pipes carry data from the start
		}
	}

	public Reactor reactor() {
		return this.reactor;
	}

	public Channel channel() {
		return this.channel;
	}

	/** The layer {@code send} and {@code recv} go through (TLS), or {@code null}. */
	public Transport transport() {
		return this.transport;
	}

	final void setTransportLayer(Transport transport) {
		this.transport = transport;
	}

	/** The peer's address, or {@code null}. */
	public SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	final void setRemoteAddress(SocketAddress remoteAddress) {
		this.remoteAddress = remoteAddress;
	}

	/** The bound local address, or {@code null}. */
	public SocketAddress localAddress() {
		return Sockets.localAddress(this.channel);
	}

	/** Leaves the map and the selector, and closes the transport (which may say goodbye) and the channel. */
	final void unregister() {
		this.reactor.remove((Dispatcher) this);
		if (this.key != null) {
			this.key.cancel();
		}
		if (this.transport != null) {
			Sockets.closeQuietly(this.transport);
		}
		Sockets.closeQuietly(this.channel);
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

	/** Whether the key still works (closing the channel elsewhere cancels it), or, before one, the channel. */
	final boolean isKeyValid() {
		return (this.key != null) ? this.key.isValid() : this.channel.isOpen();
	}

	/** What the selector can report for this channel. */
	final int validOps() {
		return ((SelectableChannel) this.channel).validOps();
	}

	/**
	 * Writes {@code ops} to the key if they differ from the interest last written; the first
	 * non-empty interest registers the channel.
	 * @throws UncheckedIOException if the channel was closed behind the dispatcher's back
	 */
	final void applyInterest(int ops) {
		if (ops == this.interestOps) {
			return;
		}
		this.interestOps = ops;
		if (this.key != null) {
			this.key.interestOps(ops);
		}
		else if (ops != 0) {
			try {
				this.key = ((SelectableChannel) this.channel).register(this.reactor.selector(), ops, this);
			}
			catch (ClosedChannelException ex) {
				throw new UncheckedIOException("Cannot register " + this.channel, ex);
			}
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
