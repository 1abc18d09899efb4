package dev.asyncore.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * The seed's {@code EchoClient}: connects, sends a message in chunks of {@code chunkSize} (one
 * chunk per write event), half-closes once all is sent, reads the echo until the server closes or
 * the whole message came back, then closes. {@link #result()} completes with what came back.
 * Loop thread only, except {@link #result()}.
 */
public class EchoClient extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(EchoClient.class);

	private final ByteBuffer toSend;

	private final int messageLength;

	private final int chunkSize;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	private final CompletableFuture<byte[]> result = new CompletableFuture<>();

	public EchoClient(Reactor reactor, SocketAddress server, byte[] message) {
		this(reactor, server, message, 512);
	}

	public EchoClient(Reactor reactor, SocketAddress server, byte[] message, int chunkSize) {
		super(reactor);
		this.toSend = ByteBuffer.wrap(message.clone());
		this.messageLength = message.length;
		this.chunkSize = chunkSize;
		try {
			createSocket();
			connect(server);
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException("Cannot connect to " + server, ex);
		}
	}

	/** Completes with the bytes echoed back when the client closes; exceptionally on an error. */
	public CompletableFuture<byte[]> result() {
		return this.result;
	}

	@Override
	protected void handleConnect() {
		logger.debug("{}: handle_connect()", this);
		if (this.messageLength == 0) {
			shutdownOutput();
		}
	}

	@Override
	public boolean writable() {
		return this.toSend.hasRemaining();
	}

	@Override
	protected void handleWrite() {
		ByteBuffer chunk = this.toSend.slice();
		chunk.limit(Math.min(chunk.remaining(), this.chunkSize));
		int sent = send(chunk);
		this.toSend.position(this.toSend.position() + sent);
		logger.debug("{}: handle_write() sent {} bytes", this, sent);
		if (!this.toSend.hasRemaining() && !isClosed()) {
			shutdownOutput();
		}
	}

	@Override
	protected void handleRead() {
		ByteBuffer buffer = ByteBuffer.allocate(this.chunkSize);
		int n = recv(buffer);
		if (n > 0) {
			this.received.write(buffer.array(), 0, n);
			logger.debug("{}: handle_read() got {} bytes", this, n);
			if (this.received.size() >= this.messageLength && !this.toSend.hasRemaining()) {
				close();
			}
		}
	}

	@Override
	protected void handleClose() {
		logger.debug("{}: handle_close()", this);
		close();
	}

	@Override
	protected void handleError(Throwable error) {
		this.result.completeExceptionally(error);
		super.handleError(error);
	}

	@Override
	public void close() {
		super.close();
		byte[] echoed = this.received.toByteArray();
		if (echoed.length == this.messageLength) {
			logger.debug("RECEIVED COPY OF MESSAGE ({} bytes)", echoed.length);
		}
		this.result.complete(echoed);
	}

}
