package dev.asyncore.probe.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import dev.asyncore.core.DatagramDispatcher;
import dev.asyncore.core.Reactor;

/**
 * A DNS query over UDP: one datagram out on a socket connected to the server, so the kernel drops
 * datagrams from any other address or port; every datagram that does come back goes to the
 * {@link DnsExchange.Listener} until it closes the exchange. Loop thread only.
 */
final class DnsUdpExchange extends DatagramDispatcher implements DnsExchange {

	/** Datagrams read per read event, so that a flooding server cannot hold the loop. */
	private static final int READS_PER_EVENT = 16;

	private final Listener listener;

	private InetSocketAddress server;

	DnsUdpExchange(Reactor reactor, Listener listener) {
		super(reactor, 1);
		this.listener = listener;
	}

	/** Binds (to {@code source}, if given), connects to {@code server} and sends {@code query}. */
	void start(InetAddress source, InetSocketAddress server, byte[] query) throws IOException {
		this.server = server;
		if (source != null) {
			bind(new InetSocketAddress(source, 0)); // else connect binds an ephemeral port: one system call less
		}
		((DatagramChannel) channel()).connect(server);
		this.listener.connected();
		sendTo(ByteBuffer.wrap(query), server);
	}

	@Override
	protected void handleRead() throws IOException {
		for (int i = 0; i < READS_PER_EVENT && !isClosed(); i++) {
			ByteBuffer buffer = this.reactor.readBuffer();
			SocketAddress sender;
			try {
				sender = recvFrom(buffer);
			}
			catch (PortUnreachableException ex) {
				this.listener.failed("read udp " + this.server + ": connection refused (ICMP port unreachable)");
				return;
			}
			if (sender == null) {
				return;
			}
			this.listener.message(buffer.flip());
		}
	}

	@Override
	protected void handleError(Throwable error) {
		this.listener.failed(DnsExchange.reason(error));
		close();
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", server=").append(this.server);
	}

}
