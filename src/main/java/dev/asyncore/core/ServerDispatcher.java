package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * A listening TCP socket that hands each accepted connection to a {@link HandlerFactory}, with the
 * limits asyncore never had: a maximum number of open connections (the excess is accepted and
 * closed at once, counted as {@code rejected}, unless an {@link Overflow} makes room) and an idle
 * timeout applied to every connection.
 *
 * <p>The factory is handed this listener's {@link ListenerStats} (with several reactors, the shard
 * of the reactor the connection goes to), and the handler counts in them. Setting up one connection
 * (its socket options, the factory) is guarded per connection: its failure closes that connection
 * and is counted, and the listener goes on accepting. An accept failure other than a disconnect
 * (out of file descriptors, say) is logged and counted, and accepting pauses for a second instead of
 * closing the listener or spinning. Loop thread only.
 *
 * <p>The address may be a {@link java.net.UnixDomainSocketAddress}: the listener is then an
 * AF_UNIX socket (no {@code TCP_NODELAY}; the socket file is removed when the listener closes).
 */
public class ServerDispatcher extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ServerDispatcher.class);

	private static final Duration ACCEPT_PAUSE = Duration.ofSeconds(1);

	/** Creates the dispatcher of one accepted connection; it puts itself in the reactor's map. */
	@FunctionalInterface
	public interface HandlerFactory {

		/**
		 * @param reactor the reactor the connection is served on (its loop thread calls this)
		 * @param channel the accepted, non-blocking channel
		 * @param stats the listener's counters on that reactor: pass them to the handler with
		 * {@link Dispatcher#setStats}, or let the listener do it once this returns
		 */
		Dispatcher create(Reactor reactor, SocketChannel channel, ListenerStats stats) throws IOException;

	}

	/**
	 * Makes room when the listener is full (see {@link #setOverflow}). asyncore has no limit to
	 * overflow; HTTP servers close the connection that has waited longest without sending a whole
	 * request, so that peers that never complete one cannot keep a fresh client out.
	 */
	@FunctionalInterface
	public interface Overflow {

		/**
		 * Called on the listener's loop thread when {@code maxConnections} are open and another
		 * connection arrives.
		 * @return whether a connection was closed, or will be on its own loop's next pass, to make
		 * room: the new one is admitted (until that close lands the listener is above its maximum
		 * by one); {@code false} rejects the new one
		 */
		boolean evictOne();

	}

	/**
	 * Listener limits.
	 * @param backlog accept queue length passed to {@code listen}
	 * @param maxConnections open connections above which new ones are rejected; 0 for no limit
	 * @param idleTimeout close a connection after this long without traffic; zero for never
	 * @param sendBufferSize {@code SO_SNDBUF} of each accepted TCP connection; 0 leaves the kernel's
	 * (on Linux autotuned up to {@code net.ipv4.tcp_wmem}, 4 MiB: that much output per connection can
	 * sit in the kernel, written but not yet read by the peer)
	 */
	public record Options(int backlog, int maxConnections, Duration idleTimeout, int sendBufferSize) {

		public static final Options DEFAULTS = new Options(1024, 0, Duration.ZERO);

		public Options {
			if (backlog < 0 || maxConnections < 0 || sendBufferSize < 0) {
				throw new IllegalArgumentException("backlog, maxConnections and sendBufferSize must not be negative");
			}
			Objects.requireNonNull(idleTimeout, "idleTimeout");
		}

		/** Options with the kernel's send buffer. */
		public Options(int backlog, int maxConnections, Duration idleTimeout) {
			this(backlog, maxConnections, idleTimeout, 0);
		}

	}

	private final HandlerFactory factory;

	private final Options options;

	private final Supplier<Reactor> workers;

	private final Map<Reactor, ListenerStats> shards = new IdentityHashMap<>();

	private boolean paused;

	private Overflow overflow;

	/**
	 * Binds {@code address}, listens and puts the listener in the map.
	 * @param stats counters shared by the listener and all its connections
	 * @throws java.net.BindException naming the address if it is taken
	 */
	public ServerDispatcher(Reactor reactor, SocketAddress address, Options options, ListenerStats stats,
			HandlerFactory factory) throws IOException {
		this(reactor, address, options, stats, factory, () -> reactor);
	}

	/**
	 * As above, handing each accepted connection to the reactor {@code workers} supplies (a
	 * {@link ReactorGroup}); the supplier is called on this listener's loop thread.
	 */
	public ServerDispatcher(Reactor reactor, SocketAddress address, Options options, ListenerStats stats,
			HandlerFactory factory, Supplier<Reactor> workers) throws IOException {
		super(reactor);
		this.factory = factory;
		this.options = options;
		this.workers = workers;
		setStats(stats);
		if (address instanceof UnixDomainSocketAddress) {
			createServerSocket(StandardProtocolFamily.UNIX);
		}
		else {
			createServerSocket();
		}
		try {
			setReuseAddr();
			bind(address);
			listen(options.backlog());
		}
		catch (IOException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	@Override
	public boolean readable() {
		return !this.paused;
	}

	@Override
	protected void handleAccepted(SocketChannel channel, SocketAddress remote) throws IOException {
		int max = this.options.maxConnections();
		if (max > 0 && stats().activeConnections() >= max && (this.overflow == null || !this.overflow.evictOne())) {
			stats().increment(Counter.REJECTED);
			logger.debug("{}: {} connections open, rejecting {}", this, max, remote);
			closeQuietly(channel);
			return;
		}
		Reactor target = this.workers.get();
		if (target == this.reactor) {
			EventDelivery.runTask(new Connection(target, stats(), channel, remote));
			return;
		}
		ListenerStats shard = this.shards.computeIfAbsent(target, r -> stats().newShard());
		try {
			target.execute(new Connection(target, shard, channel, remote));
		}
		catch (RejectedExecutionException ex) {
			closeQuietly(channel);
			logger.warn("{}: {} is closed, dropping {}", this, target, remote);
		}
	}

	/**
	 * Sets up one accepted connection on {@code target}'s loop thread, inside the guard: a connection
	 * that cannot be set up (reset before its socket options are set, a failing factory) is that
	 * connection's failure, not an accept failure. It is closed and counted as an error (a reset only
	 * as a close), and the listener keeps accepting: pausing here would let one bad connection stall
	 * the listener for everyone.
	 */
	private final class Connection implements EventDelivery.GuardedTask {

		private final Reactor target;

		private final ListenerStats stats;

		private final SocketChannel channel;

		private final SocketAddress remote;

		Connection(Reactor target, ListenerStats stats, SocketChannel channel, SocketAddress remote) {
			this.target = target;
			this.stats = stats;
			this.channel = channel;
			this.remote = remote;
		}

		@Override
		public void run() {
			try {
				if (!(this.remote instanceof UnixDomainSocketAddress)) {
					this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
					if (ServerDispatcher.this.options.sendBufferSize() > 0) {
						this.channel.setOption(StandardSocketOptions.SO_SNDBUF, ServerDispatcher.this.options.sendBufferSize());
					}
				}
				Dispatcher handler = ServerDispatcher.this.factory.create(this.target, this.channel, this.stats);
				if (handler.stats() != this.stats) {
					handler.setStats(this.stats);
				}
				if (!ServerDispatcher.this.options.idleTimeout().isZero()) {
					handler.setIdleTimeout(ServerDispatcher.this.options.idleTimeout());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void failed(Exception failure) {
			closeQuietly(this.channel);
			Throwable cause = (failure instanceof UncheckedIOException unchecked) ? unchecked.getCause() : failure;
			if (Disconnects.isDisconnect(cause)) {
				this.stats.increment(Counter.CLOSES);
				logger.debug("{}: {} went away before it was set up", ServerDispatcher.this, this.remote, cause);
				return;
			}
			this.stats.increment(Counter.ERRORS);
			logger.warn("{}: cannot serve {} on {}", ServerDispatcher.this, this.remote, this.target, cause);
		}

	}

	@Override
	protected void handleError(Throwable error) {
		logger.warn("{}: accept failed, pausing accepts for {}", this, ACCEPT_PAUSE, error);
		this.paused = true;
		updateInterest();
		this.reactor.schedule(ACCEPT_PAUSE, () -> {
			this.paused = false;
			updateInterest();
		});
	}

	/** Stops accepting: the listening socket closes, so new connections are refused at once. */
	public void stopAccepting() {
		close();
	}

	/** Closes the listener; a Unix-domain listener also removes its socket file. */
	@Override
	public void close() {
		SocketAddress local = localAddress();
		super.close();
		if (local instanceof UnixDomainSocketAddress unix) {
			try {
				Files.deleteIfExists(unix.getPath());
			}
			catch (IOException ex) {
				logger.debug("{}: cannot remove {}", this, unix.getPath(), ex);
			}
		}
	}

	public Options options() {
		return this.options;
	}

	/**
	 * What is asked for room when {@code maxConnections} are open and another connection arrives;
	 * {@code null} (the default): the new one is accepted and closed at once, counted as
	 * {@code rejected}. Loop thread.
	 */
	public void setOverflow(Overflow overflow) {
		this.overflow = overflow;
	}

}
