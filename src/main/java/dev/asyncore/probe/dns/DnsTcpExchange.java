package dev.asyncore.probe.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;

import dev.asyncore.core.Reactor;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsChat;
import dev.asyncore.probe.tls.TlsMaterial;
import dev.asyncore.tls.TlsTransport;

/**
 * A DNS query over TCP (RFC 1035 4.2.2, RFC 7766), or over TLS on TCP (RFC 7858): the query and
 * each reply framed by a two-byte length, read with asynchat's count terminators, so one message
 * never exceeds 65535 bytes of memory. With TLS, a {@link TlsTransport} is installed once the socket
 * connected; the query, queued before, leaves only after the handshake, and the exchange counts as
 * connected (the end of blackbox_exporter's {@code connect} phase) only then. Each reply goes to the
 * {@link DnsExchange.Listener}. A reply's bytes (once its length is read) and the TLS buffers are
 * reserved from the probe's {@link ProbeMemory.Lease}; a refusal fails the probe. Loop thread only.
 */
final class DnsTcpExchange extends TlsChat implements DnsExchange {

	private static final int LENGTH_PREFIX = 2;

	private enum Stage {
		CONNECTING, HANDSHAKE, OPEN
	}

	private final Listener listener;

	/** The module's TLS material for DNS over TLS, or {@code null} for plain TCP. */
	private final TlsMaterial tls;

	/** The name TLS sends (SNI) and verifies: {@code server_name} or the target's host. */
	private final String serverName;

	private final TlsCapture capture = new TlsCapture();

	private final ProbeMemory.Lease lease;

	/** Bytes reserved for replies: the longest so far. */
	private int reserved;

	private Stage stage = Stage.CONNECTING;

	/** The length of the message being read, or -1 while its prefix is. */
	private int messageLength = -1;

	/**
	 * @param tls the TLS material, or {@code null} for plain TCP
	 * @param serverName the name the server's certificate must match (ignored without {@code tls})
	 * @param lease the probe's share of the probe memory
	 */
	DnsTcpExchange(Reactor reactor, Listener listener, TlsMaterial tls, String serverName, ProbeMemory.Lease lease)
			throws IOException {
		super(reactor);
		this.listener = listener;
		this.lease = lease;
		this.tls = tls;
		this.serverName = serverName;
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
		if (this.tls == null) {
			this.stage = Stage.OPEN;
			this.listener.connected();
			return;
		}
		this.stage = Stage.HANDSHAKE;
		try {
			this.lease.reserve(ProbeMemory.TLS_BYTES, "the TLS connection's buffers");
		}
		catch (ProbeMemory.Refused ex) {
			this.listener.failed(ex.getMessage());
			close();
			return;
		}
		try {
			startTls(TlsTransport.client((SocketChannel) channel(), this.tls.newContext(this.capture),
					this.serverName, ((InetSocketAddress) remoteAddress()).getPort(), this.tls.engineSetup()));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			this.listener.failed("Failed to create TLS configuration: " + DnsExchange.reason(ex));
			close();
		}
	}

	/** The query, queued since the connect, leaves now. */
	@Override
	protected void tlsEstablished() {
		this.stage = Stage.OPEN;
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
			if (this.messageLength > this.reserved) {
				try {
					this.lease.reserve(this.messageLength - this.reserved, "the DNS reply");
					this.reserved = this.messageLength;
				}
				catch (ProbeMemory.Refused ex) {
					this.listener.failed(ex.getMessage());
					return;
				}
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
		this.listener.failed((this.stage == Stage.HANDSHAKE) ? "the server closed the connection during the TLS handshake"
				: (this.messageLength < 0) ? "the server closed the connection before replying"
						: "the server closed the connection in a " + this.messageLength + "-byte message");
		close();
	}

	@Override
	protected void handleError(Throwable error) {
		if (this.stage != Stage.HANDSHAKE) {
			this.listener.failed(DnsExchange.reason(error));
		}
		else if (this.capture.verifyError() != null) {
			this.listener.failed("TLS handshake failed: certificate verification failed: " + this.capture.verifyError());
		}
		else {
			Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
			this.listener.failed("TLS handshake failed: " + DnsExchange.reason(cause));
		}
		close();
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", stage=").append(this.stage).append(", messageLength=").append(this.messageLength);
		if (this.tls != null) {
			sb.append(", tls=").append(this.serverName);
		}
	}

}
