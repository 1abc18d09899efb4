package dev.asyncore.boot.listener;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import dev.asyncore.boot.config.AsyncoreProperties.TlsProperties;
import dev.asyncore.core.Transport;

/**
 * The seam where TLS plugs into listeners: when a bean of this type exists, listeners with
 * {@code tls.enabled: true} wrap each accepted connection in the {@link Transport} it returns.
 * Without such a bean, a TLS listener fails startup: the service never serves plain text where TLS
 * was asked for.
 */
public interface TlsTransportFactory {

	/**
	 * Prepares TLS for one listener: find its SSL bundle, build its {@code SSLContext}. Called once
	 * per TLS listener at startup, before the loop thread runs, so it may block.
	 * @param listener the listener name, for messages
	 * @return what wraps each of the listener's accepted connections
	 */
	Wrapper forListener(String listener, TlsProperties tls) throws IOException;

	/** Wraps accepted connections of one listener. Loop thread: must not block. */
	@FunctionalInterface
	interface Wrapper {

		/**
		 * @param channel the accepted, non-blocking connection
		 * @return the TLS layer to set on the connection's dispatcher
		 */
		Transport wrap(SocketChannel channel) throws IOException;

	}

}
