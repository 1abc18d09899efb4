package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * asyncore's {@code dispatcher}: a channel in a {@link Reactor}'s map, with asyncore's verbs
 * ({@code createSocket, bind, listen, connect, accept, send, recv, close}) and overridable hooks
 * ({@code handleConnect, handleAccept, handleAccepted, handleRead, handleWrite, handleClose,
 * handleError}) called by the loop.
 *
 * <h2>Threads</h2>
 * Every method runs on the reactor's loop thread (or on the setting-up thread before any loop
 * runs), except {@link #isClosed()} and {@link #state()}, which any thread may read. Other threads
 * go through {@link Reactor#execute(Runnable)}.
 *
 * <h2>Interest</h2>
 * {@link #readable()} and {@link #writable()} decide what the selector waits for, as in asyncore,
 * but they are consulted only after this dispatcher's own events and verbs, not on every pass. When
 * they read state that something else changed (another dispatcher, a timer, a task), call
 * {@link #updateInterest()}. Listening sockets are only ever readable; a connecting socket waits for
 * its connection; after end of stream a socket is no longer read.
 *
 * <h2>Errors</h2>
 * {@code send} and {@code recv} never block and never throw on would-block: they return 0 (so does
 * {@code send} on a socket still connecting). A disconnect (EOF, reset, broken pipe, see
 * {@link Disconnects}) leads to {@link #handleClose()}; any other exception from a hook (from
 * {@code handleClose} too, or from {@link #readable()} / {@link #writable()}, after which the
 * dispatcher closes) reaches {@link #handleError(Throwable)}, whose default logs and closes.
 * {@link ExitNow} leaves the loop. An {@link Error} is not caught: it ends the loop thread, which
 * the service reports as unhealthy. No hook runs after {@link #close()}.
 */
public class Dispatcher extends Registration {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** Connections taken per accept event: a burst of connects needs fewer passes. */
	static final int MAX_ACCEPTS_PER_EVENT = 16;

	/** A server socket's address between {@link #bind} and {@link #listen} (Java binds both at once). */
	private SocketAddress pendingBind;

	/** A connect that ended inside {@link #connect} (done or failed), until its event ran on the next pass. */
	boolean connectEventPending;

	/**
	 * A dispatcher with no channel yet, counting in the reactor's {@link Reactor#defaultStats()}:
	 * call {@link #createSocket()}, {@link #createServerSocket()} or {@link #setSocket(Channel)}.
	 */
	public Dispatcher(Reactor reactor) {
		super(reactor);
	}

	/**
	 * A dispatcher around an existing channel, such as one returned by {@link #accept()}, put in the
	 * map at once. A listener sets its {@link ListenerStats} on it (see {@link #setStats}).
	 */
	public Dispatcher(Reactor reactor, Channel channel) {
		this(reactor);
		try {
			setSocket(channel);
		}
		catch (IOException ex) {
			closeChannelQuietly(channel);
			throw new UncheckedIOException("Cannot register " + channel, ex);
		}
	}

	// ---------------------------------------------------------------- verbs

	/** Opens a non-blocking TCP client socket and puts it in the map. */
	public void createSocket() throws IOException {
		setSocket(SocketChannel.open());
	}

	/** Opens a non-blocking client socket of {@code family} (TCP, or Unix-domain) and puts it in the map. */
	public void createSocket(ProtocolFamily family) throws IOException {
		setSocket(SocketChannel.open(family));
	}

	/** Opens a listening-to-be TCP socket; {@link #bind} and {@link #listen} follow. */
	public void createServerSocket() throws IOException {
		setSocket(ServerSocketChannel.open());
	}

	/** Opens a listening-to-be socket of {@code family} (TCP, or Unix-domain). */
	public void createServerSocket(ProtocolFamily family) throws IOException {
		setSocket(ServerSocketChannel.open(family));
	}

	/** Opens a non-blocking UDP socket and puts it in the map. */
	public void createDatagramSocket() throws IOException {
		setSocket(DatagramChannel.open());
	}

	/**
	 * Sets {@code SO_REUSEADDR}, as asyncore's {@code set_reuse_addr}; a no-op for a Unix-domain
	 * socket, which has no such option (asyncore's {@code set_reuse_addr} ignores the error too).
	 */
	public void setReuseAddr() throws IOException {
		Sockets.setReuseAddr((NetworkChannel) channel());
	}

	/**
	 * Binds the socket. Java binds and listens a server socket in one call, so for a server socket
	 * the address is kept and bound by {@link #listen(int)}; a taken address fails there with a
	 * {@link BindException} naming it.
	 */
	public void bind(SocketAddress address) throws IOException {
		if (channel() instanceof ServerSocketChannel) {
			this.pendingBind = address;
			return;
		}
		Sockets.bind((NetworkChannel) channel(), address);
		updateInterest();
	}

	/** Binds (see {@link #bind}) and starts listening; the dispatcher is then accepting. */
	public void listen(int backlog) throws IOException {
		Sockets.listen((ServerSocketChannel) channel(), this.pendingBind, backlog);
		setLifecycle(Lifecycle.ACCEPTING);
		updateInterest();
	}

	/**
	 * Starts connecting to {@code address}, which must be resolved: look names up off the loop
	 * thread. {@link #handleConnect()} follows once connected (on a later pass even if the connect
	 * completed at once); a failed connect reaches {@link #handleError} and then {@link #handleClose}.
	 */
	public void connect(SocketAddress address) throws IOException {
		setLifecycle(Lifecycle.CONNECTING);
		setRemoteAddress(address);
		SocketChannel socket = (SocketChannel) channel();
		boolean done;
		try {
			done = socket.connect(address);
		}
		catch (UnresolvedAddressException ex) {
			throw new IOException("Unresolved address " + address + ": resolve it before connect()", ex);
		}
		IOException failure = null;
		if (!done) {
			// A handshake with a local peer has usually completed inside connect(): one poll tells,
			// and saves the selector a registration and a wake-up. A refusal is delivered as an event.
			try {
				done = socket.finishConnect();
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		if (done || failure != null) {
			// Keep the asynchronous contract (no hook runs inside a verb) and wait for nothing
			// until the event ran: a dispatcher that then closes never touches the selector.
			this.connectEventPending = true;
			IOException failed = failure;
			this.reactor.execute(() -> ReadyEvents.connectEnded(this, failed));
			return;
		}
		updateInterest();
	}

	/**
	 * Accepts one pending connection.
	 * @return the new non-blocking channel, or {@code null} if none was pending (not an error)
	 */
	public SocketChannel accept() throws IOException {
		SocketChannel accepted = ((ServerSocketChannel) channel()).accept();
		if (accepted == null) {
			return null;
		}
		count(Counter.ACCEPTS);
		accepted.configureBlocking(false);
		return accepted;
	}

	/**
	 * Writes what the channel takes now.
	 * @return bytes written; 0 when the socket buffer is full, the socket is still connecting or the
	 * peer went away (then {@link #handleClose()} has run)
	 * @throws UncheckedIOException for failures other than a disconnect
	 */
	public int send(ByteBuffer src) {
		try {
			int n = ((this.transport != null) ? this.transport : (WritableByteChannel) this.channel).write(src);
			if (n > 0) {
				sent(n);
			}
			return n;
		}
		catch (IOException | NotYetConnectedException ex) {
			return HookGuard.ioFailure(this, ex);
		}
	}

	/**
	 * Gathering write of several buffers in one system call.
	 * @return bytes written, as {@link #send(ByteBuffer)}
	 */
	public long send(ByteBuffer[] srcs, int offset, int length) {
		try {
			long n = ((this.transport != null) ? this.transport : (GatheringByteChannel) this.channel).write(srcs,
					offset, length);
			if (n > 0) {
				sent(n);
			}
			return n;
		}
		catch (IOException | NotYetConnectedException ex) {
			return HookGuard.ioFailure(this, ex);
		}
	}

	/**
	 * Reads what is available now.
	 * @return bytes read; 0 if nothing was available; -1 at end of stream or on a disconnect, after
	 * {@link #handleClose()} ran
	 * @throws UncheckedIOException for failures other than a disconnect
	 */
	public int recv(ByteBuffer dst) {
		try {
			int n = ((this.transport != null) ? this.transport : (ReadableByteChannel) this.channel).read(dst);
			if (n > 0) {
				received(n);
			}
			else if (n < 0) {
				endOfInput();
				HookGuard.closeEvent(this);
			}
			return n;
		}
		catch (IOException ex) {
			HookGuard.ioFailure(this, ex);
			return -1;
		}
	}

	/** Half-closes: sends FIN after what is already written; reading goes on. */
	public void shutdownOutput() {
		try {
			((SocketChannel) channel()).shutdownOutput();
		}
		catch (IOException ex) {
			HookGuard.ioFailure(this, ex);
		}
	}

	/**
	 * Closes gracefully: sends FIN after everything already written, then reads and discards input
	 * until the peer closes too or {@code timeout} passes, then closes, so that the kernel does not
	 * answer late input with a reset that destroys data the peer has not read yet. No hook runs
	 * meanwhile. A connection that is not a plain TCP socket, already broken or already at end of
	 * stream closes at once.
	 */
	public void lingerClose(Duration timeout) {
		LingeringClose.start(this, timeout);
	}

	/**
	 * Removes the dispatcher from the map and closes its channel. Idempotent; no hook runs after it.
	 * Subclasses that override it must call {@code super.close()}.
	 */
	public void close() {
		Lifecycle was = lifecycle();
		if (was.isClosed()) {
			return;
		}
		setLifecycle(was.closed());
		unregister();
		countClosed(was == Lifecycle.ACCEPTING);
	}

	// ---------------------------------------------------------------- predicates and hooks

	/** Whether the loop should wait for input; consulted after each event. Default {@code true}. */
	public boolean readable() {
		return true;
	}

	/**
	 * Whether the loop should wait for output space. Default {@code false}: asyncore answers
	 * {@code true}, which keeps a connected socket permanently ready and the loop busy.
	 */
	public boolean writable() {
		return false;
	}

	/** The connection is established. */
	protected void handleConnect() throws IOException {
		logger.info("{}: unhandled connect event", this);
	}

	/**
	 * A listening socket has connections pending. The default accepts up to 16 of them and passes
	 * each to {@link #handleAccepted}.
	 */
	protected void handleAccept() throws IOException {
		for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && isAccepting(); i++) {
			SocketChannel accepted = accept();
			if (accepted == null) {
				return;
			}
			handleAccepted(accepted, accepted.getRemoteAddress());
		}
	}

	/** A connection was accepted; wrap it in a dispatcher. The default logs and closes it. */
	protected void handleAccepted(SocketChannel channel, SocketAddress remote) throws IOException {
		logger.warn("{}: unhandled accepted event from {}", this, remote);
		closeChannelQuietly(channel);
	}

	/** Input is available (or end of stream: {@link #recv} then returns -1). */
	protected void handleRead() throws IOException {
		logger.warn("{}: unhandled read event", this);
	}

	/** Output space is available. */
	protected void handleWrite() throws IOException {
		logger.warn("{}: unhandled write event", this);
	}

	/** The peer went away (or {@code recv} saw end of stream). The default closes. */
	protected void handleClose() throws IOException {
		close();
	}

	/**
	 * A hook threw something other than a disconnect. The default logs it with this dispatcher's
	 * state and closes, as asyncore's {@code handle_error}.
	 */
	protected void handleError(Throwable error) {
		logger.warn("{}: uncaptured error, closing", this, error);
		try {
			handleClose();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("{}: handleClose failed after an error", this, ex);
			close();
		}
	}

	/** No byte moved for the idle timeout (see {@link #setIdleTimeout}). The default closes. */
	protected void handleTimeout() throws IOException {
		logger.debug("{}: idle timeout, closing", this);
		close();
	}

	// ---------------------------------------------------------------- state

	/**
	 * Re-reads {@link #readable()} and {@link #writable()} into the selector's interest set. Needed
	 * only after changing, from outside this dispatcher's hooks and verbs, state they read. Cheap:
	 * the selection key is written only when the set changes.
	 */
	public final void updateInterest() {
		if (!isActivated() || isClosed() || this.connectEventPending) {
			return;
		}
		if (!isKeyValid()) {
			// The channel was closed behind the dispatcher's back (a subclass constructor that failed
			// after registering, say): there is nothing left to drive, so leave the map.
			close();
			return;
		}
		applyInterest(lifecycle().interestOps(this));
	}

	/**
	 * {@link #updateInterest()} for a dispatcher whose {@link #readable()} turned true again outside
	 * its own hooks (from a task or a timer): a transport that holds input the socket will not signal
	 * again (TLS) gets its read on the next pass, as it does after an event. Loop thread only.
	 */
	public final void resumeReading() {
		updateInterest();
		ReadyEvents.rearmBufferedInput(this);
	}

	/**
	 * Routes {@link #send} and {@link #recv} through {@code transport} (TLS) from now on. Closing
	 * the dispatcher closes the transport first, so that it can say goodbye (TLS close_notify).
	 */
	public void setTransport(Transport transport) {
		setTransportLayer(transport);
		updateInterest();
	}

	/**
	 * Closes the connection when no byte moved in either direction for {@code timeout}; zero or
	 * {@code null} turns it off. Costs one timer per dispatcher, re-armed only when it fires.
	 */
	public void setIdleTimeout(Duration timeout) {
		stopIdleTimeout();
		if (timeout != null && timeout.toNanos() > 0 && !isClosed()) {
			startIdleTimeout(this.reactor, timeout, () -> ReadyEvents.idleEvent(this));
		}
	}

	@Override
	public String toString() {
		SocketAddress local = localAddress();
		StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[').append(state());
		if (local != null) {
			sb.append(", ").append(local);
		}
		if (remoteAddress() != null) {
			sb.append(" <-> ").append(remoteAddress());
		}
		sb.append(", interest=").append(interestString());
		sb.append(", in=").append(bytesReceived()).append(", out=").append(bytesSent());
		describeTo(sb);
		return sb.append(']').toString();
	}

	/** Adds a subclass's own state to {@link #toString()}, each item as {@code ", name=value"}. */
	protected void describeTo(StringBuilder sb) {
	}

	/** The one helper that closes a channel and ignores (logs at DEBUG) what that throws. */
	public static void closeChannelQuietly(Channel channel) {
		Sockets.closeQuietly(channel);
	}

}
