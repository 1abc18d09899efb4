package dev.asyncore.boot.reactor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import dev.asyncore.boot.listener.ConfiguredListener;
import dev.asyncore.core.Dispatcher;

/**
 * A listener after it was bound.
 *
 * @param listener what was configured
 * @param dispatcher the listening (TCP) or receiving (UDP) dispatcher; loop thread only, except
 * {@link Dispatcher#isClosed()}, which any thread may read
 * @param local the address actually bound, with port 0 resolved to the real port (or a Unix-domain
 * socket's path)
 */
public record BoundListener(ConfiguredListener listener, Dispatcher dispatcher, SocketAddress local) {

	/** The bound IP address and port; {@code null} for a Unix-domain listener. */
	public InetSocketAddress address() {
		return (this.local instanceof InetSocketAddress inet) ? inet : null;
	}

	/** {@code host:port}, or the socket file's path. */
	public String describeAddress() {
		if (this.local instanceof UnixDomainSocketAddress unix) {
			return unix.getPath().toString();
		}
		return HostPort.of(this.local);
	}

	public String name() {
		return this.listener.name();
	}

	/** The real port, even when port 0 was configured; 0 for a Unix-domain listener. */
	public int port() {
		InetSocketAddress inet = address();
		return (inet != null) ? inet.getPort() : 0;
	}

}
