package dev.asyncore.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * The seed's first example: an HTTP/1.0 GET client that logs each hook as the loop calls it.
 * The host name is resolved here, before the loop runs, as the seed does; the full client in
 * {@code dev.asyncore.http} resolves off the loop thread.
 */
public class HttpClient extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(HttpClient.class);

	private final URI url;

	private final ByteBuffer request;

	private final ByteArrayOutputStream response = new ByteArrayOutputStream();

	private final int chunkSize;

	public HttpClient(Reactor reactor, URI url, int chunkSize) throws IOException {
		super(reactor);
		this.url = url;
		this.chunkSize = chunkSize;
		String path = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
		if (url.getRawQuery() != null) {
			path += "?" + url.getRawQuery();
		}
		this.request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: " + url.getHost() + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		int port = (url.getPort() > 0) ? url.getPort() : 80;
		logger.info("connecting to {}", url);
		createSocket();
		connect(new InetSocketAddress(url.getHost(), port));
	}

	@Override
	protected void handleConnect() {
		logger.info("handle_connect()");
	}

	@Override
	protected void handleClose() {
		logger.info("handle_close()");
		close();
	}

	@Override
	public boolean writable() {
		boolean writable = this.request.hasRemaining();
		logger.info("writable() -> {}", writable);
		return writable;
	}

	@Override
	public boolean readable() {
		logger.info("readable() -> true");
		return true;
	}

	@Override
	protected void handleWrite() {
		int sent = send(this.request);
		logger.info("handle_write() -> \"{}\" bytes sent", sent);
	}

	@Override
	protected void handleRead() {
		ByteBuffer buffer = this.reactor.readBuffer().limit(this.chunkSize);
		int n = recv(buffer);
		if (n > 0) {
			logger.info("handle_read() -> {} bytes", n);
			buffer.flip();
			byte[] data = new byte[n];
			buffer.get(data);
			this.response.writeBytes(data);
		}
	}

	/** The raw response received so far: status line, headers and body. */
	public byte[] response() {
		return this.response.toByteArray();
	}

	public URI url() {
		return this.url;
	}

}
