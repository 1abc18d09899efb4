package dev.asyncore.echo;

import java.io.IOException;
import java.net.SocketAddress;

import dev.asyncore.core.DatagramDispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;

/**
 * UDP discard (RFC 863): every datagram received is counted and dropped. Loop thread only.
 */
public class UdpDiscardServer extends DatagramDispatcher {

	/**
	 * Binds {@code address} (port 0 for an ephemeral port) and puts the socket in the map.
	 * @throws java.net.BindException naming the address if it is taken
	 */
	public UdpDiscardServer(Reactor reactor, SocketAddress address, ListenerStats stats) throws IOException {
		super(reactor, 0);
		setStats(stats);
		Datagrams.bindOrClose(this, address);
	}

	@Override
	protected void handleRead() throws IOException {
		recvFrom(this.reactor.readBuffer());
	}

}
