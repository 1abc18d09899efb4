package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
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
 * runs). Other threads go through {@link Reactor#execute(Runnable)}.
 *
 * <h2>Interest</h2>
 * {@link #readable()} and {@link #writable()} decide what the selector waits for, as in asyncore,
 * but they are consulted only after this dispatcher's own events and verbs, not on every pass. When
 * they read state that something else changed (another dispatcher, a timer, a task), call
 * {@link #updateInterest()}. Listening sockets are only ever readable; a connecting socket waits for
 * its connection; after end-of-stream a socket is no longer read.
 *
 * <h2>Errors</h2>
 * {@code send} and {@code recv} never block and never throw on would-block: they return 0. A
 * disconnect (EOF, reset, broken pipe, see {@link Disconnects}) leads to {@link #handleClose()}; any
 * other exception from a hook (or from {@link #readable()} / {@link #writable()}, after which the
 * dispatcher closes) reaches {@link #handleError(Throwable)}, whose default logs and closes.
 * {@link ExitNow} leaves the loop. An {@link Error} is not caught: it ends the loop thread, which
 * the service reports as unhealthy. No hook runs after {@link #close()}.
 */
public class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** Connections taken per accept event: a burst of connects needs fewer passes. */
	static final int MAX_ACCEPTS_PER_EVENT = 16;

	private static final int DEFAULT_BACKLOG = 128;

	/** Reads of a lingering connection's late input per event, 64 KiB each. */
	private static final int MAX_DISCARDS_PER_EVENT = 8;

	protected final Reactor reactor;

	private Channel channel;

	private Transport transport;

	private SelectionKey key;

	private ListenerStats stats;

	private boolean connected;

	private boolean accepting;

	private boolean connecting;

	private boolean closed;

	private boolean activated;

	private boolean inputShutdown;

	private boolean broken;

	private boolean countedActive;

	private boolean lingering;

	private int interestOps;

	private SocketAddress pendingBind;

	private SocketAddress remoteAddress;

	private long bytesIn;

	private long bytesOut;

	private final long createdNanos = System.nanoTime();

	private IdleTimeout idleTimeout;

	/**
	 * A dispatcher with no channel yet: call {@link #createSocket()}, {@link #createServerSocket()}
	 * or {@link #setSocket(Channel)}.
	 */
	public Dispatcher(Reactor reactor) {
		this.reactor = reactor;
		this.stats = reactor.inheritedStats();
	}

	/**
	 * A dispatcher around an existing channel, such as one returned by {@link #accept()}, put in the
	 * map at once. Created inside a listener's {@link #handleAccepted}, it counts in that listener's
	 * {@link ListenerStats}.
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

	/** Opens a non-blocking TCP client socket of {@code family} and puts it in the map. */
	public void createSocket(ProtocolFamily family) throws IOException {
		setSocket(SocketChannel.open(family));
	}

	/** Opens a listening-to-be TCP socket; {@link #bind} and {@link #listen} follow. */
	public void createServerSocket() throws IOException {
		setSocket(ServerSocketChannel.open());
	}

	/** Opens a non-blocking UDP socket and puts it in the map. */
	public void createDatagramSocket() throws IOException {
		setSocket(DatagramChannel.open());
	}

	/**
	 * Puts {@code channel} in the map (asyncore's {@code set_socket}); a selectable channel is made
	 * non-blocking and registered, any other (a {@code FileChannel}) is treated as always ready.
	 */
	public void setSocket(Channel channel) throws IOException {
		this.reactor.checkOwner();
		if (this.channel != null) {
			throw new IllegalStateException(this + " already has a channel");
		}
		this.channel = channel;
		if (channel instanceof SelectableChannel selectable) {
			selectable.configureBlocking(false);
			this.key = selectable.register(this.reactor.selector(), 0, this);
			this.reactor.add(this, true);
		}
		else {
			this.reactor.add(this, false);
		}
		if (channel instanceof SocketChannel socket) {
			if (socket.isConnected()) {
				this.remoteAddress = socket.getRemoteAddress();
				markConnected();
			}
			else if (socket.isConnectionPending()) {
				this.connecting = true;
			}
		}
		else if (!(channel instanceof NetworkChannel)) {
			// files and pipes carry data from the start
			this.connected = true;
		}
	}

	/** Sets {@code SO_REUSEADDR}, as asyncore's {@code set_reuse_addr}. */
	public void setReuseAddr() throws IOException {
		((NetworkChannel) this.channel).setOption(StandardSocketOptions.SO_REUSEADDR, true);
	}

	/**
	 * Binds the socket. Java binds and listens a server socket in one call, so for a server socket
	 * the address is kept and bound by {@link #listen(int)}; a taken address fails there with a
	 * {@link BindException} naming it.
	 */
	public void bind(SocketAddress address) throws IOException {
		if (this.channel instanceof ServerSocketChannel) {
			this.pendingBind = address;
		}
		else {
			try {
				((NetworkChannel) this.channel).bind(address);
			}
			catch (BindException ex) {
				throw bindFailure(address, ex);
			}
			updateInterest();
		}
	}

	/** Binds (see {@link #bind}) and starts listening; the dispatcher is then accepting. */
	public void listen(int backlog) throws IOException {
		ServerSocketChannel server = (ServerSocketChannel) this.channel;
		SocketAddress address = this.pendingBind;
		try {
			server.bind(address, (backlog > 0) ? backlog : DEFAULT_BACKLOG);
		}
		catch (BindException ex) {
			throw bindFailure(address, ex);
		}
		this.accepting = true;
		updateInterest();
	}

	private static BindException bindFailure(SocketAddress address, BindException cause) {
		BindException failure = new BindException(
				"Cannot bind " + address + ": " + cause.getMessage() + " (is another process using the port?)");
		failure.initCause(cause);
		return failure;
	}

	/**
	 * Starts connecting to {@code address}, which must be resolved: look names up off the loop
	 * thread. {@link #handleConnect()} follows once connected (on a later pass even if the connect
	 * completed at once); a failed connect reaches {@link #handleError} and then {@link #handleClose}.
	 */
	public void connect(SocketAddress address) throws IOException {
		SocketChannel socket = (SocketChannel) this.channel;
		this.connecting = true;
		this.remoteAddress = address;
		boolean done;
		try {
			done = socket.connect(address);
		}
		catch (UnresolvedAddressException ex) {
			throw new IOException("Unresolved address " + address + ": resolve it before connect()", ex);
		}
		if (done) {
			// Immediate on loopback, sometimes; keep the asynchronous contract (no hook inside a verb).
			this.reactor.execute(() -> {
				connectEvent();
				updateInterest();
			});
		}
		updateInterest();
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
		this.stats.increment(Counter.ACCEPTS);
		accepted.configureBlocking(false);
		return accepted;
	}

	/**
	 * Writes what the channel takes now.
	 * @return bytes written; 0 when the socket buffer is full or the peer went away (then
	 * {@link #handleClose()} has run)
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
		catch (IOException ex) {
			return disconnectOrThrow(ex);
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
		catch (IOException ex) {
			return disconnectOrThrow(ex);
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
				this.inputShutdown = true;
				closeEvent();
			}
			return n;
		}
		catch (IOException ex) {
			disconnectOrThrow(ex);
			return -1;
		}
	}

	/** Half-closes: sends FIN after what is already written; reading goes on. */
	public void shutdownOutput() {
		try {
			((SocketChannel) this.channel).shutdownOutput();
		}
		catch (IOException ex) {
			disconnectOrThrow(ex);
		}
	}

	/**
	 * Closes gracefully: sends FIN after everything already written, then reads and discards input
	 * until the peer closes too or {@code timeout} passes, then closes. Closing a socket that still
	 * has unread input makes the kernel send a reset, which can destroy data the peer has not read
	 * yet; this "lingering close" (Apache httpd's term) avoids that. No hook runs meanwhile. A
	 * connection that is not a plain TCP socket, already broken or already at end of stream closes
	 * at once.
	 */
	public void lingerClose(Duration timeout) {
		if (this.closed) {
			return;
		}
		if (!(this.channel instanceof SocketChannel socket) || !this.connected || this.inputShutdown || this.broken
				|| this.transport != null) {
			close();
			return;
		}
		try {
			socket.shutdownOutput();
		}
		catch (IOException ex) {
			close();
			return;
		}
		this.lingering = true;
		this.reactor.schedule(timeout, this::close);
		updateInterest();
	}

	/** Whether {@link #lingerClose} is waiting for the peer to close. */
	public boolean isLingering() {
		return this.lingering;
	}

	private void discardLingeringInput() {
		ByteBuffer buffer = this.reactor.readBuffer();
		try {
			// The peer's late input is dropped: nothing of it will be answered. A bounded number of
			// reads per event: a peer that keeps sending must not hold the loop (readiness is
			// level-triggered, so the rest is read on later passes).
			for (int i = 0; i < MAX_DISCARDS_PER_EVENT; i++) {
				int n = ((ReadableByteChannel) this.channel).read(buffer.clear());
				if (n < 0) {
					close();
				}
				if (n <= 0) {
					return;
				}
			}
		}
		catch (IOException ex) {
			close();
		}
	}

	/**
	 * Removes the dispatcher from the map and closes its channel. Idempotent; no hook runs after it.
	 * Subclasses that override it must call {@code super.close()}.
	 */
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		boolean listener = this.accepting;
		this.accepting = false;
		this.connected = false;
		this.connecting = false;
		this.reactor.remove(this);
		if (this.key != null) {
			this.key.cancel();
		}
		if (this.idleTimeout != null) {
			this.idleTimeout.cancel();
		}
		if (this.countedActive) {
			this.countedActive = false;
			this.stats.connectionClosed();
		}
		if (this.transport != null) {
			closeChannelQuietly(this.transport);
		}
		if (!listener) {
			this.stats.increment(Counter.CLOSES);
		}
		closeChannelQuietly(this.channel);
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
		for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && this.accepting; i++) {
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

	/**
	 * No byte moved for the idle timeout (see {@link #setIdleTimeout}). The default closes.
	 */
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
		if (!this.activated || this.closed) {
			return;
		}
		if (!this.key.isValid()) {
			// The channel was closed behind the dispatcher's back (a subclass constructor that failed
			// after registering, say): there is nothing left to drive, so leave the map.
			close();
			return;
		}
		int ops = interestOps();
		if (ops != this.interestOps) {
			this.interestOps = ops;
			this.key.interestOps(ops);
		}
	}

	private int interestOps() {
		if (this.lingering) {
			return SelectionKey.OP_READ;
		}
		if (this.accepting) {
			return readable() ? SelectionKey.OP_ACCEPT : 0;
		}
		if (this.connecting) {
			return SelectionKey.OP_CONNECT;
		}
		if (this.channel instanceof SocketChannel && !this.connected) {
			return 0;
		}
		if (this.channel instanceof ServerSocketChannel) {
			return 0;
		}
		int ops = 0;
		if (!this.inputShutdown && readable()) {
			ops |= SelectionKey.OP_READ;
		}
		if (writable()) {
			ops |= SelectionKey.OP_WRITE;
		}
		if (this.transport != null) {
			ops = this.transport.interestOps(ops);
		}
		return ops & this.key.channel().validOps();
	}

	/**
	 * Routes {@link #send} and {@link #recv} through {@code transport} (TLS) from now on. Closing
	 * the dispatcher closes the transport first, so that it can say goodbye (TLS close_notify).
	 */
	public void setTransport(Transport transport) {
		this.transport = transport;
		updateInterest();
	}

	/** The layer set with {@link #setTransport}, or {@code null}. */
	public Transport transport() {
		return this.transport;
	}

	/**
	 * Closes the connection when no byte moved in either direction for {@code timeout}; zero or
	 * {@code null} turns it off. Costs one timer per dispatcher, re-armed only when it fires.
	 */
	public void setIdleTimeout(Duration timeout) {
		if (this.idleTimeout != null) {
			this.idleTimeout.cancel();
			this.idleTimeout = null;
		}
		if (timeout != null && timeout.toNanos() > 0 && !this.closed) {
			this.idleTimeout = new IdleTimeout(this.reactor, timeout, this::idleEvent);
		}
	}

	private void idleEvent() {
		if (this.closed) {
			return;
		}
		this.stats.increment(Counter.TIMEOUTS);
		guarded(this::handleTimeout);
		updateInterestGuarded();
	}

	/** Counts this dispatcher in {@code stats} instead of the inherited ones. Call before I/O. */
	public void setStats(ListenerStats stats) {
		if (this.countedActive) {
			this.stats.connectionClosed();
			stats.connectionOpened();
		}
		this.stats = stats;
	}

	public ListenerStats stats() {
		return this.stats;
	}

	public Reactor reactor() {
		return this.reactor;
	}

	public Channel channel() {
		return this.channel;
	}

	public boolean isConnected() {
		return this.connected;
	}

	public boolean isAccepting() {
		return this.accepting;
	}

	public boolean isConnecting() {
		return this.connecting;
	}

	public boolean isClosed() {
		return this.closed;
	}

	/** Whether end of stream was read: the peer will send nothing more. */
	public boolean isInputShutdown() {
		return this.inputShutdown;
	}

	/** Whether the connection failed with a reset or broken pipe: nothing more can be written. */
	public boolean isBroken() {
		return this.broken;
	}

	public long bytesReceived() {
		return this.bytesIn;
	}

	public long bytesSent() {
		return this.bytesOut;
	}

	public Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.createdNanos);
	}

	/** The peer's address, or {@code null}. */
	public SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/** The bound local address, or {@code null}. */
	public SocketAddress localAddress() {
		if (this.channel instanceof NetworkChannel network && network.isOpen()) {
			try {
				return network.getLocalAddress();
			}
			catch (IOException ex) {
				return null;
			}
		}
		return null;
	}

	/** The selection interest now set: {@code R}, {@code W}, {@code A}ccept, {@code C}onnect. */
	public String interestString() {
		StringBuilder sb = new StringBuilder(2);
		if ((this.interestOps & SelectionKey.OP_ACCEPT) != 0) {
			sb.append('A');
		}
		if ((this.interestOps & SelectionKey.OP_CONNECT) != 0) {
			sb.append('C');
		}
		if ((this.interestOps & SelectionKey.OP_READ) != 0) {
			sb.append('R');
		}
		if ((this.interestOps & SelectionKey.OP_WRITE) != 0) {
			sb.append('W');
		}
		return (sb.length() > 0) ? sb.toString() : "-";
	}

	/** One word for the life-cycle state: accepting, connecting, connected, closed or idle. */
	public String state() {
		if (this.closed) {
			return "closed";
		}
		if (this.lingering) {
			return "lingering";
		}
		if (this.accepting) {
			return "accepting";
		}
		if (this.connecting) {
			return "connecting";
		}
		return this.connected ? "connected" : "idle";
	}

	@Override
	public String toString() {
		SocketAddress local = localAddress();
		StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[').append(state());
		if (local != null) {
			sb.append(", ").append(local);
		}
		if (this.remoteAddress != null) {
			sb.append(this.accepting ? "" : " <-> ").append(this.remoteAddress);
		}
		sb.append(", interest=").append(interestString());
		sb.append(", in=").append(this.bytesIn).append(", out=").append(this.bytesOut);
		return sb.append(']').toString();
	}

	// ---------------------------------------------------------------- loop side

	/** First interest computation, after the constructor chain finished (see Reactor). */
	final void activate() {
		if (this.closed || this.activated) {
			return;
		}
		this.activated = true;
		this.interestOps = -1;
		updateInterestGuarded();
	}

	/**
	 * Interest on activation and after an event: {@link #readable()} and {@link #writable()} are
	 * user code too, so what they throw goes to {@link #handleError} like any hook's failure instead
	 * of out of the loop. A dispatcher whose interest cannot be computed cannot be driven: it closes.
	 */
	private void updateInterestGuarded() {
		try {
			updateInterest();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			errorEvent(ex);
			close();
		}
	}

	final void dispatchReady(int ready) {
		if (this.closed) {
			return;
		}
		if (this.lingering) {
			discardLingeringInput();
			return;
		}
		try {
			if ((ready & SelectionKey.OP_ACCEPT) != 0) {
				this.reactor.setAcceptingStats(this.stats);
				try {
					handleAccept();
				}
				finally {
					this.reactor.setAcceptingStats(null);
				}
			}
			else {
				if ((ready & SelectionKey.OP_CONNECT) != 0) {
					connectEvent();
					ready &= ~SelectionKey.OP_CONNECT;
				}
				if (this.transport != null && !this.closed) {
					ready = this.transport.readyOps(ready);
				}
				if (!this.closed && (ready & SelectionKey.OP_READ) != 0) {
					this.stats.increment(Counter.READS);
					handleRead();
				}
				if (!this.closed && (ready & SelectionKey.OP_WRITE) != 0) {
					handleWrite();
				}
			}
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			errorEvent(ex);
		}
		updateInterestGuarded();
		if (this.transport != null && !this.closed && !this.inputShutdown && this.transport.hasBufferedInput()
				&& readable()) {
			this.reactor.readyAgain(this);
		}
	}

	final void dispatchAlwaysReady() {
		try {
			if (!this.inputShutdown && readable()) {
				this.stats.increment(Counter.READS);
				handleRead();
			}
			if (!this.closed && writable()) {
				handleWrite();
			}
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			errorEvent(ex);
		}
	}

	private void connectEvent() {
		if (this.closed || !this.connecting) {
			return;
		}
		try {
			if (!((SocketChannel) this.channel).finishConnect()) {
				return;
			}
		}
		catch (IOException ex) {
			this.connecting = false;
			this.stats.increment(Counter.ERRORS);
			safeHandleError(ex);
			closeEvent();
			return;
		}
		this.connecting = false;
		markConnected();
		this.stats.increment(Counter.CONNECTS);
		guarded(this::handleConnect);
	}

	/** A hook, as the loop calls it. */
	@FunctionalInterface
	private interface Hook {

		void run() throws Exception;

	}

	/**
	 * Runs a hook outside the per-event path (timeouts, connects): {@link ExitNow} leaves the loop,
	 * anything else is this dispatcher's error. The event path inlines the same guard.
	 */
	private void guarded(Hook hook) {
		try {
			hook.run();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			errorEvent(ex);
		}
	}

	private void markConnected() {
		this.connected = true;
		if (!this.countedActive) {
			this.countedActive = true;
			this.stats.connectionOpened();
		}
	}

	/** Routes a hook's exception: a disconnect closes, anything else reaches handleError. */
	final void errorEvent(Throwable error) {
		if (this.closed) {
			logger.debug("{}: error after close", this, error);
			return;
		}
		if (Disconnects.isDisconnect(error)) {
			this.broken = true;
			closeEvent();
			return;
		}
		if (this.transport != null && this.transport.isServerSide() && Disconnects.isTlsFailure(error)) {
			// One DEBUG line, no stack trace: on a public port every scanner causes these.
			this.stats.increment(Counter.TLS_HANDSHAKE_FAILED);
			logger.debug("{}: TLS failed, closing: {}", this, rootMessage(error));
			this.broken = true;
			closeEvent();
			return;
		}
		this.stats.increment(Counter.ERRORS);
		safeHandleError(error);
	}

	private void safeHandleError(Throwable error) {
		try {
			handleError(error);
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			logger.warn("{}: handleError failed, closing", this, ex);
			close();
		}
	}

	/** Calls handleClose unless already closed; a failing handleClose still closes. */
	protected final void closeEvent() {
		if (this.closed) {
			return;
		}
		try {
			handleClose();
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.warn("{}: handleClose failed, closing", this, ex);
			close();
		}
	}

	private int disconnectOrThrow(IOException ex) {
		if (Disconnects.isDisconnect(ex)) {
			this.broken = true;
			closeEvent();
			return 0;
		}
		throw new UncheckedIOException(ex);
	}

	private static String rootMessage(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/** Counts one socket write that moved {@code n > 0} bytes. */
	final void sent(long n) {
		this.stats.increment(Counter.WRITES);
		this.bytesOut += n;
		this.stats.add(Counter.BYTES_SENT, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	final void received(int n) {
		this.bytesIn += n;
		this.stats.add(Counter.BYTES_RECEIVED, n);
		if (this.idleTimeout != null) {
			this.idleTimeout.touch();
		}
	}

	/** Closes without running hooks; failures are logged at DEBUG. */
	final void closeQuietly() {
		try {
			close();
		}
		catch (RuntimeException ex) {
			logger.debug("{}: close failed", this, ex);
		}
	}

	/** The one helper that closes a channel and ignores (logs at DEBUG) what that throws. */
	public static void closeChannelQuietly(Channel channel) {
		if (channel == null) {
			return;
		}
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Closing {} failed", channel, ex);
		}
	}

}
