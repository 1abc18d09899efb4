package dev.asyncore.probe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.core.Reactor;

/**
 * A DNS query over TCP (RFC 1035 4.2.2, RFC 7766): the query and each reply framed by a two-byte
 * length, read with asynchat's count terminators, so one message never exceeds 65535 bytes of
 * memory. Each reply goes to the {@link DnsExchange.Listener}. Loop thread only.
 */
final class DnsTcpExchange extends AsyncChat implements DnsExchange {

	private static final int LENGTH_PREFIX = 2;

	private final Listener listener;

	/** The length of the message being read, or -1 while its prefix is. */
	private int messageLength = -1;

	DnsTcpExchange(Reactor reactor, Listener listener) throws IOException {
		super(reactor);
		this.listener = listener;
		createSocket();
		setMaxIncoming(0xffff);
		setTerminator(LENGTH_PREFIX);
	}

	/** Binds (to {@code source}, if given), starts connecting to {@code server} and queues {@code query}. */
	void start(InetAddress source, InetSocketAddress server, byte[] query) throws IOException {
		if (source != null) {
			bind(new InetSocketAddress(source, 0));
		}
		connect(server);
		push(ByteBuffer.allocate(LENGTH_PREFIX + query.length).putShort((short) query.length).put(query).flip());
	}

	@Override
	protected void handleConnect() {
		this.listener.connected();
	}

	@Override
	protected void foundTerminator() throws IOException {
		byte[] data = incomingData();
		if (this.messageLength < 0) {
			this.messageLength = ((data[0] & 0xff) << 8) | (data[1] & 0xff);
			if (this.messageLength == 0) {
				this.listener.failed("the server sent a zero-length TCP message");
				return;
			}
			setTerminator(this.messageLength);
			return;
		}
		this.messageLength = -1;
		setTerminator(LENGTH_PREFIX);
		this.listener.message(ByteBuffer.wrap(data));
	}

	@Override
	protected void handleClose() {
		this.listener.failed((this.messageLength < 0) ? "the server closed the connection before replying"
				: "the server closed the connection in a " + this.messageLength + "-byte message");
		close();
	}

	@Override
	protected void handleError(Throwable error) {
		this.listener.failed(DnsExchange.reason(error));
		close();
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", messageLength=").append(this.messageLength);
	}

}
