package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 *
 * <h2>Why this type is larger than the rest</h2>
 * It is the concept, as {@code dispatcher} is in {@code asyncore.py}: its whole public contract (the
 * verbs, the hooks with their defaults, the state questions, the figures) reads here, in one file,
 * beside CPython's. What is mechanism rather than contract sits in fields: the selection key and
 * its interest cache ({@link Registration}), the counters and idle timer ({@link Accounting}), the
 * lifecycle value ({@link Lifecycle}); how the loop calls the hooks, and where what they throw goes,
 * is {@link EventDelivery}.
 */
public class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** Connections taken per accept event: a burst of connects needs fewer passes. */
	static final int MAX_ACCEPTS_PER_EVENT = 16;

	protected final Reactor reactor;

	/** Read directly by send and recv, the per-event path. */
	Channel channel;

	Transport transport;

	private SocketAddress remoteAddress;

	/**
	 * asyncore's {@code connected}, {@code accepting}, {@code connecting} and {@code closing} as one
	 * value. Written on the loop thread; volatile so that {@link #isClosed()} and {@link #state()}
	 * hold on any thread (a health check asks whether a listener is still open).
	 */
	private volatile Lifecycle state = Lifecycle.NEW;

	/** The selection key and the interest last written to it. */
	final Registration registration = new Registration();

	/** Bytes each way, the listener's counters, the idle timeout. */
	final Accounting accounting;

	/** A server socket's address between {@link #bind} and {@link #listen} (Java binds both at once). */
	private SocketAddress pendingBind;

	/**
	 * A dispatcher with no channel yet, counting in the reactor's {@link Reactor#defaultStats()}:
	 * call {@link #createSocket()}, {@link #createServerSocket()} or {@link #setSocket(Channel)}.
	 */
	public Dispatcher(Reactor reactor) {
		this.reactor = reactor;
		this.accounting = new Accounting(reactor.defaultStats());
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
			closeQuietly(channel);
			throw new UncheckedIOException("Cannot register " + channel, ex);
		}
	}

	// ---------------------------------------------------------------- verbs: setting up

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
		if (channel instanceof SelectableChannel selectable) {
			selectable.configureBlocking(false);
		}
		this.reactor.add(this, channel instanceof SelectableChannel);
		if (channel instanceof SocketChannel socket && socket.isConnected()) {
			this.remoteAddress = socket.getRemoteAddress();
			connected();
		}
		else if (channel instanceof SocketChannel socket && socket.isConnectionPending()) {
			this.state = Lifecycle.CONNECTING;
		}
		else if (!(channel instanceof NetworkChannel)) {
			this.state = Lifecycle.CONNECTED; // files and pipes carry data from the start
		}
	}

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
		Sockets.setReuseAddr((NetworkChannel) this.channel);
	}

	/**
	 * Binds the socket. Java binds and listens a server socket in one call, so for a server socket
	 * the address is kept and bound by {@link #listen(int)}; a taken address fails there with a
	 * {@link java.net.BindException} naming it.
	 */
	public void bind(SocketAddress address) throws IOException {
		if (this.channel instanceof ServerSocketChannel) {
			this.pendingBind = address;
			return;
		}
		Sockets.bind((NetworkChannel) this.channel, address);
		updateInterest();
	}

	/** Binds (see {@link #bind}) and starts listening; the dispatcher is then accepting. */
	public void listen(int backlog) throws IOException {
		Sockets.listen((ServerSocketChannel) this.channel, this.pendingBind, backlog);
		this.state = Lifecycle.ACCEPTING;
		updateInterest();
	}

	/**
	 * Starts connecting to {@code address}, which must be resolved: look names up off the loop
	 * thread. {@link #handleConnect()} follows once connected (on a later pass even if the connect
	 * completed at once); a failed connect reaches {@link #handleError} and then {@link #handleClose}.
	 */
	public void connect(SocketAddress address) throws IOException {
		this.state = Lifecycle.CONNECTING;
		this.remoteAddress = address;
		EventDelivery.connectStarted(this, Sockets.connect((SocketChannel) this.channel, address));
	}

	/**
	 * Accepts one pending connection.
	 * @return the new non-blocking channel, or {@code null} if none was pending (not an error)
	 */
	public SocketChannel accept() throws IOException {
		SocketChannel accepted = ((ServerSocketChannel) this.channel).accept();
		if (accepted == null) {
			return null;
		}
		stats().increment(Counter.ACCEPTS);
		accepted.configureBlocking(false);
		return accepted;
	}

	// ---------------------------------------------------------------- verbs: data and closing

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
				this.accounting.sent(n);
			}
			return n;
		}
		catch (IOException | NotYetConnectedException ex) {
			return EventDelivery.verbFailed(this, ex);
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
				this.accounting.sent(n);
			}
			return n;
		}
		catch (IOException | NotYetConnectedException ex) {
			return EventDelivery.verbFailed(this, ex);
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
				this.accounting.received(n);
			}
			else if (n < 0) {
				this.state = this.state.endOfInput();
				EventDelivery.deliverClose(this);
			}
			return n;
		}
		catch (IOException ex) {
			EventDelivery.verbFailed(this, ex);
			return -1;
		}
	}

	/** Half-closes: sends FIN after what is already written; reading goes on. */
	public void shutdownOutput() {
		try {
			((SocketChannel) this.channel).shutdownOutput();
		}
		catch (IOException ex) {
			EventDelivery.verbFailed(this, ex);
		}
	}

	/**
	 * Closes gracefully: sends FIN after everything written, reads and drops input until the peer
	 * closes too or {@code timeout} passes, then closes: unread input would make the kernel send a
	 * reset that destroys data the peer has not read yet. No hook runs meanwhile. A connection that
	 * is not a plain TCP socket, or is already broken or at end of stream, closes at once.
	 */
	public void lingerClose(Duration timeout) {
		LingeringClose.start(this, timeout);
	}

	/**
	 * Removes the dispatcher from the map and closes its channel. Idempotent; no hook runs after it.
	 * Subclasses that override it must call {@code super.close()}.
	 */
	public void close() {
		Lifecycle was = this.state;
		if (was.isClosed()) {
			return;
		}
		this.state = was.closed();
		// leave the map and the selector; the transport closes first, so that it can say goodbye
		this.reactor.remove(this);
		this.registration.cancel();
		closeQuietly(this.transport);
		closeQuietly(this.channel);
		this.accounting.closed(was == Lifecycle.ACCEPTING);
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
		closeQuietly(channel);
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

	/** Whether the channel carries data: connected, and not closed (also inside handleConnect). */
	public boolean isConnected() {
		return this.state.isConnected();
	}

	/** Whether this is a listening socket. */
	public boolean isAccepting() {
		return this.state == Lifecycle.ACCEPTING;
	}

	/** Whether {@code connect} was called and the connection is not established yet. */
	public boolean isConnecting() {
		return this.state == Lifecycle.CONNECTING;
	}

	/** Whether {@code close()} ran. Any thread. */
	public boolean isClosed() {
		return this.state.isClosed();
	}

	/** Whether end of stream was read, or the connection broke: the peer will send nothing more. */
	public boolean isInputShutdown() {
		return this.state.isInputShutdown();
	}

	/** Whether the connection failed with a reset or broken pipe: nothing more can be written. */
	public boolean isBroken() {
		return this.state.isBroken();
	}

	/** Whether a lingering close is waiting for the peer to close. */
	public boolean isLingering() {
		return this.state == Lifecycle.LINGERING;
	}

	/**
	 * One word for the life-cycle state: idle, connecting, connected, input-shutdown, broken,
	 * accepting, lingering or closed. Any thread.
	 */
	public String state() {
		return this.state.word();
	}

	final Lifecycle lifecycle() {
		return this.state;
	}

	final void setLifecycle(Lifecycle state) {
		this.state = state;
	}

	/** The connection is established: it counts as one of its listener's active connections. */
	final void connected() {
		this.state = Lifecycle.CONNECTED;
		this.accounting.opened();
	}

	/** A reset or broken pipe was seen. */
	final void disconnected() {
		this.state = this.state.disconnected();
	}

	/**
	 * Re-reads {@link #readable()} and {@link #writable()} into the selector's interest set. Needed
	 * only after changing, from outside this dispatcher's hooks and verbs, state they read. Cheap:
	 * the selection key is written only when the set changes.
	 */
	public final void updateInterest() {
		this.registration.update(this);
	}

	/**
	 * The selection interest now set: {@code A}ccept, {@code C}onnect, {@code R}ead, {@code W}rite, or
	 * {@code -} for none. Loop thread.
	 */
	public String interestString() {
		return this.registration.toString();
	}

	/**
	 * {@link #updateInterest()} for a dispatcher whose {@link #readable()} turned true again outside
	 * its own hooks (from a task or a timer): a transport that holds input the socket will not signal
	 * again (TLS) gets its read on the next pass, as it does after an event. Loop thread only.
	 */
	public final void resumeReading() {
		EventDelivery.refreshInterest(this);
	}

	/**
	 * Routes {@link #send} and {@link #recv} through {@code transport} (TLS) from now on. Closing
	 * the dispatcher closes the transport first, so that it can say goodbye (TLS close_notify).
	 */
	public void setTransport(Transport transport) {
		this.transport = transport;
		updateInterest();
	}

	/** The layer {@code send} and {@code recv} go through (TLS), or {@code null}. */
	public Transport transport() {
		return this.transport;
	}

	public Reactor reactor() {
		return this.reactor;
	}

	public Channel channel() {
		return this.channel;
	}

	/** The peer's address, or {@code null}. */
	public SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/** The bound local address, or {@code null}. */
	public SocketAddress localAddress() {
		return Sockets.localAddress(this.channel);
	}

	// ---------------------------------------------------------------- figures and idle timeout

	/**
	 * Closes the connection when no byte moved in either direction for {@code timeout}; zero or
	 * {@code null} turns it off. Costs one timer per dispatcher, re-armed only when it fires.
	 */
	public void setIdleTimeout(Duration timeout) {
		this.accounting.setIdleTimeout(this, timeout);
	}

	/**
	 * Counts this dispatcher in {@code stats} from now on; an open connection moves its place in the
	 * active-connections gauge along. A listener passes its stats to its handler factory, which sets
	 * them (or the listener does, right after the factory returns).
	 */
	public void setStats(ListenerStats stats) {
		this.accounting.setStats(stats);
	}

	/** The counters this dispatcher counts in: its listener's, or the reactor's default ones. */
	public ListenerStats stats() {
		return this.accounting.stats();
	}

	/** Bytes received since the dispatcher was created. */
	public long bytesReceived() {
		return this.accounting.bytesIn();
	}

	/** Bytes sent since the dispatcher was created. */
	public long bytesSent() {
		return this.accounting.bytesOut();
	}

	/** Time since the dispatcher was created. */
	public Duration age() {
		return this.accounting.age();
	}

	@Override
	public String toString() {
		SocketAddress local = localAddress();
		StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[').append(state());
		if (local != null) {
			sb.append(", ").append(local);
		}
		if (this.remoteAddress != null) {
			sb.append(" <-> ").append(this.remoteAddress);
		}
		sb.append(", interest=").append(interestString());
		sb.append(", in=").append(bytesReceived()).append(", out=").append(bytesSent());
		describeTo(sb);
		return sb.append(']').toString();
	}

	/** Adds a subclass's own state to {@link #toString()}, each item as {@code ", name=value"}. */
	protected void describeTo(StringBuilder sb) {
	}

	/**
	 * The one quiet close: closes {@code resource} (a channel, a transport, a file; a dispatcher as
	 * {@code dispatcher::close}), logging at DEBUG what that throws instead of throwing it. Does
	 * nothing for {@code null}. Any thread for a channel; a dispatcher only on its loop thread.
	 */
	public static void closeQuietly(AutoCloseable resource) {
		if (resource == null) {
			return;
		}
		try {
			resource.close();
		}
		catch (Exception ex) {
			logger.debug("Closing {} failed", resource, ex);
		}
	}

}
