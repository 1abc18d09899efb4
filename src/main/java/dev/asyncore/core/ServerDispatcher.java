package dev.asyncore.core;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
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
 * closed at once, counted as {@code rejected}) and an idle timeout applied to every connection.
 *
 * <p>Every dispatcher the factory creates counts in this listener's {@link ListenerStats}. An accept
 * failure other than a disconnect (out of file descriptors, say) is logged and counted, and
 * accepting pauses for a second instead of closing the listener or spinning. Loop thread only.
 */
public class ServerDispatcher extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ServerDispatcher.class);

	private static final Duration ACCEPT_PAUSE = Duration.ofSeconds(1);

	/** Creates the dispatcher of one accepted connection; it puts itself in the reactor's map. */
	@FunctionalInterface
	public interface HandlerFactory {

		Dispatcher create(Reactor reactor, SocketChannel channel) throws IOException;

	}

	/**
	 * Listener limits.
	 * @param backlog accept queue length passed to {@code listen}
	 * @param maxConnections open connections above which new ones are rejected; 0 for no limit
	 * @param idleTimeout close a connection after this long without traffic; zero for never
	 */
	public record Options(int backlog, int maxConnections, Duration idleTimeout) {

		public static final Options DEFAULTS = new Options(1024, 0, Duration.ZERO);

		public Options {
			if (backlog < 0 || maxConnections < 0) {
				throw new IllegalArgumentException("backlog and maxConnections must not be negative");
			}
			Objects.requireNonNull(idleTimeout, "idleTimeout");
		}

	}

	private final HandlerFactory factory;

	private final Options options;

	private final Supplier<Reactor> workers;

	private final Map<Reactor, ListenerStats> shards = new IdentityHashMap<>();

	private boolean paused;

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
		createServerSocket();
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
		if (max > 0 && stats().activeConnections() >= max) {
			stats().increment(Counter.REJECTED);
			logger.debug("{}: {} connections open, rejecting {}", this, max, remote);
			closeChannelQuietly(channel);
			return;
		}
		channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		Reactor target = this.workers.get();
		if (target == this.reactor) {
			serve(target, stats(), channel, remote); // counts in stats(): the reactor is inside our accept hook
			return;
		}
		ListenerStats shard = this.shards.computeIfAbsent(target, r -> stats().newShard());
		try {
			target.execute(() -> serveOn(target, shard, channel, remote));
		}
		catch (RejectedExecutionException ex) {
			closeChannelQuietly(channel);
			logger.warn("{}: {} is closed, dropping {}", this, target, remote);
		}
	}

	/** Runs on {@code target}'s loop thread: the handler counts in that reactor's shard. */
	private void serveOn(Reactor target, ListenerStats shard, SocketChannel channel, SocketAddress remote) {
		target.setAcceptingStats(shard);
		try {
			serve(target, shard, channel, remote);
		}
		finally {
			target.setAcceptingStats(null);
		}
	}

	/**
	 * A handler that cannot be created is that connection's failure, not an accept failure: it is
	 * counted as an error and the connection closed, and the listener keeps accepting (pausing here
	 * would let one bad connection stall the listener for everyone).
	 */
	private void serve(Reactor target, ListenerStats counted, SocketChannel channel, SocketAddress remote) {
		try {
			createHandler(target, channel);
		}
		catch (ExitNow ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			counted.increment(Counter.ERRORS);
			logger.warn("{}: cannot serve {} on {}", this, remote, target, ex);
		}
	}

	private void createHandler(Reactor target, SocketChannel channel) throws IOException {
		Dispatcher handler;
		try {
			handler = this.factory.create(target, channel);
		}
		catch (IOException | RuntimeException ex) {
			closeChannelQuietly(channel);
			throw ex;
		}
		if (!this.options.idleTimeout().isZero()) {
			handler.setIdleTimeout(this.options.idleTimeout());
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

	public Options options() {
		return this.options;
	}

}
