package dev.asyncore.boot.lifecycle;

import java.net.InetSocketAddress;

import dev.asyncore.boot.listener.ConfiguredListener;
import dev.asyncore.core.Dispatcher;

/**
 * A listener after it was bound.
 *
 * @param listener what was configured
 * @param dispatcher the listening (TCP) or receiving (UDP) dispatcher; loop thread only, except
 * {@link Dispatcher#isClosed()}, which any thread may read
 * @param address the address actually bound, with port 0 resolved to the real port
 */
public record BoundListener(ConfiguredListener listener, Dispatcher dispatcher, InetSocketAddress address) {

	public String name() {
		return this.listener.name();
	}

	/** The real port, even when port 0 was configured. */
	public int port() {
		return this.address.getPort();
	}

}
