package dev.asyncore.echo;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

import dev.asyncore.core.DatagramDispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;

/**
 * UDP echo: every datagram received is sent back to its sender. While the socket cannot take more,
 * up to 1,024 replies are queued; beyond that replies are dropped, as UDP may. Loop thread only.
 */
public class UdpEchoServer extends DatagramDispatcher {

	private static final int MAX_QUEUED = 1024;

	/**
	 * Binds {@code address} (port 0 for an ephemeral port) and puts the socket in the map.
	 * @throws java.net.BindException naming the address if it is taken
	 */
	public UdpEchoServer(Reactor reactor, SocketAddress address, ListenerStats stats) throws IOException {
		super(reactor, MAX_QUEUED);
		setStats(stats);
		Datagrams.bindOrClose(this, address);
	}

	@Override
	protected void handleRead() throws IOException {
		ByteBuffer buffer = this.reactor.readBuffer();
		SocketAddress sender = recvFrom(buffer);
		if (sender != null) {
			sendTo(buffer.flip(), sender);
		}
	}

}
