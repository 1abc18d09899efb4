package dev.asyncore.boot.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.AsyncoreProperties.Protocol;
import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;

/**
 * One configured listener resolved to its {@link DispatcherFactory}, with the counters it keeps for
 * its whole life (they exist before it binds, so meters can be registered early).
 *
 * @param index position in {@code asyncore.listeners}, for messages
 * @param properties its configuration
 * @param factory its type
 * @param stats its counters, shared by the listening socket and every connection
 * @param tls wraps accepted connections in TLS, or {@code null} for plain TCP
 */
public record ConfiguredListener(int index, ListenerProperties properties, DispatcherFactory factory,
		ListenerStats stats, TlsTransportFactory.Wrapper tls) {

	public String name() {
		return properties().name();
	}

	/** The configuration path of this listener, such as {@code asyncore.listeners[0]}. */
	public String path() {
		return "asyncore.listeners[" + index() + "]";
	}

	/**
	 * Binds the listener and puts it in {@code reactor}'s map. Loop thread, or before the loop runs;
	 * the host name is resolved here, so call it before the loop thread starts.
	 * @return the listening (TCP) or receiving (UDP) dispatcher
	 * @throws InvalidConfigurationException naming the property when the host cannot be resolved or
	 * the port is taken
	 */
	public Dispatcher open(Reactor reactor) {
		return open(reactor, () -> reactor);
	}

	/**
	 * As {@link #open(Reactor)}, handing each accepted TCP connection to the reactor {@code workers}
	 * supplies (called on {@code reactor}'s loop thread); UDP listeners stay on {@code reactor}.
	 */
	public Dispatcher open(Reactor reactor, Supplier<Reactor> workers) {
		ListenerProperties p = properties();
		if (p.protocol() == Protocol.UNIX) {
			return openUnix(reactor, workers, p);
		}
		InetSocketAddress address = new InetSocketAddress(p.host(), p.port());
		if (address.isUnresolved()) {
			throw new InvalidConfigurationException(path() + ".host", "cannot resolve '" + p.host() + "'",
					"Set " + path() + ".host to an address of this machine (0.0.0.0 for all, 127.0.0.1 for loopback) or a name DNS resolves.");
		}
		try {
			if (p.protocol() == Protocol.UDP) {
				return factory().datagram(reactor, address, p, stats());
			}
			return overflow(new ServerDispatcher(reactor, address, options(p), stats(), this::accepted, workers));
		}
		catch (IOException ex) {
			// The core's BindException already names the address; keep the system's reason only.
			String reason = (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage();
			throw new InvalidConfigurationException(path() + ".port", "listener '" + name() + "' cannot bind "
					+ p.protocol().name().toLowerCase() + " " + p.host() + ":" + p.port() + ": " + reason,
					"Free the port (another process holds it) or set " + path() + ".port to another, or 0 for any free port.");
		}
	}

	private Dispatcher openUnix(Reactor reactor, Supplier<Reactor> workers, ListenerProperties p) {
		try {
			return overflow(new ServerDispatcher(reactor, UnixDomainSocketAddress.of(p.path()), options(p), stats(),
					this::accepted, workers));
		}
		catch (IOException | RuntimeException ex) {
			String reason = (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage();
			throw new InvalidConfigurationException(path() + ".path",
					"listener '" + name() + "' cannot bind unix " + p.path() + ": " + reason);
		}
	}

	private ServerDispatcher overflow(ServerDispatcher server) {
		server.setOverflow(factory().overflow(properties()));
		return server;
	}

	private static ServerDispatcher.Options options(ListenerProperties p) {
		int sendBuffer = (p.sendBufferSize() != null) ? (int) p.sendBufferSize().toBytes() : 0;
		return new ServerDispatcher.Options(p.backlog(), p.maxConnections(), p.idleTimeout(), sendBuffer);
	}

	private Dispatcher accepted(Reactor reactor, SocketChannel channel, ListenerStats counted) throws IOException {
		Dispatcher handler = factory().accepted(reactor, channel, properties());
		handler.setStats(counted);
		if (tls() != null) {
			handler.setTransport(tls().wrap(channel));
		}
		return handler;
	}

}
