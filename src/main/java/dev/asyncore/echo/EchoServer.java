package dev.asyncore.echo;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.function.Supplier;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;

/**
 * The seed's {@code EchoServer}: a listener that creates an {@link EchoHandler} per connection, so
 * that each connection is its own dispatcher in the map. Loop thread only.
 */
public class EchoServer extends ServerDispatcher {

	/**
	 * Listens on {@code address} (port 0 for an ephemeral port) with default limits and a 1 MiB write
	 * high-water mark per connection.
	 */
	public EchoServer(Reactor reactor, SocketAddress address) throws IOException {
		this(reactor, address, Options.DEFAULTS, EchoHandler.DEFAULT_HIGH_WATER_MARK,
				new ListenerStats("echo"));
	}

	public EchoServer(Reactor reactor, SocketAddress address, Options options, long highWaterMark,
			ListenerStats stats) throws IOException {
		this(reactor, address, options, highWaterMark, stats, () -> reactor);
	}

	/** Hands each connection to the reactor {@code workers} supplies, such as a {@code ReactorGroup}. */
	public EchoServer(Reactor reactor, SocketAddress address, Options options, long highWaterMark,
			ListenerStats stats, Supplier<Reactor> workers) throws IOException {
		super(reactor, address, options, stats, (r, channel, counted) -> new EchoHandler(r, channel, highWaterMark), workers);
	}

}
