package dev.asyncore.boot.listener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.AsyncoreProperties.Protocol;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;

/**
 * A listener type. Every bean implementing it makes its {@link #type()} usable as
 * {@code asyncore.listeners[*].type}; {@code echo} and {@code discard} are built in
 * (see {@link #of}).
 *
 * <p>All methods run on the reactor's loop thread (or before it starts), so they must not block.
 * Dispatchers created here count in the listener's {@link ListenerStats}: the listener hands them to
 * its handler factory and sets them on the dispatcher this returns (no reactor-wide "current" stats).
 *
 * <pre>{@code
 * @Bean
 * DispatcherFactory uppercase() {
 *     return DispatcherFactory.tcp("uppercase", (reactor, channel, listener) -> new UppercaseHandler(reactor, channel));
 * }
 * }</pre>
 */
public interface DispatcherFactory {

	/**
	 * The name used in {@code asyncore.listeners[*].type}; unique among the factories.
	 */
	String type();

	/**
	 * Whether listeners of this type may use {@code protocol}. Default: the stream protocols, TCP and
	 * Unix-domain sockets ({@link #accepted} serves both).
	 */
	default boolean supports(Protocol protocol) {
		return protocol != Protocol.UDP;
	}

	/**
	 * Creates the dispatcher of one accepted TCP (or Unix-domain) connection; it puts itself in the
	 * reactor's map.
	 * @param listener the listener's configuration
	 */
	Dispatcher accepted(Reactor reactor, SocketChannel channel, ListenerProperties listener) throws IOException;

	/**
	 * What makes room in a full listener of this type ({@link ServerDispatcher#setOverflow}), asked
	 * once when the listener opens. Default {@code null}: a connection beyond
	 * {@code max-connections} is rejected.
	 * @param listener the listener's configuration
	 */
	default ServerDispatcher.Overflow overflow(ListenerProperties listener) {
		return null;
	}

	/**
	 * Opens a UDP listener bound to {@code address}. Called only if {@link #supports} says UDP.
	 * @param stats the listener's counters, to set on the dispatcher
	 */
	default Dispatcher datagram(Reactor reactor, SocketAddress address, ListenerProperties listener,
			ListenerStats stats) throws IOException {
		throw new UnsupportedOperationException(type() + " does not support UDP");
	}

	/** Creates the dispatcher of one accepted TCP connection. */
	@FunctionalInterface
	interface ConnectionHandler {

		Dispatcher accepted(Reactor reactor, SocketChannel channel, ListenerProperties listener) throws IOException;

	}

	/** Opens a bound UDP dispatcher counting in {@code stats}. */
	@FunctionalInterface
	interface DatagramOpener {

		Dispatcher open(Reactor reactor, SocketAddress address, ListenerStats stats) throws IOException;

	}

	/** A TCP-only listener type. */
	static DispatcherFactory tcp(String type, ConnectionHandler handler) {
		return of(type, handler, null);
	}

	/**
	 * A listener type from its two halves.
	 * @param udp opens UDP listeners, or {@code null} for a TCP-only type
	 */
	static DispatcherFactory of(String type, ConnectionHandler tcp, DatagramOpener udp) {
		return new DispatcherFactory() {

			@Override
			public String type() {
				return type;
			}

			@Override
			public boolean supports(Protocol protocol) {
				return protocol != Protocol.UDP || udp != null;
			}

			@Override
			public Dispatcher accepted(Reactor reactor, SocketChannel channel, ListenerProperties listener)
					throws IOException {
				return tcp.accepted(reactor, channel, listener);
			}

			@Override
			public Dispatcher datagram(Reactor reactor, SocketAddress address, ListenerProperties listener,
					ListenerStats stats) throws IOException {
				if (udp == null) {
					return DispatcherFactory.super.datagram(reactor, address, listener, stats);
				}
				return udp.open(reactor, address, stats);
			}

			@Override
			public String toString() {
				return "DispatcherFactory[" + type + "]";
			}

		};
	}

}
