package dev.asyncore.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Dispatcher#resumeReading()}: a dispatcher that stopped reading while its transport held
 * input the socket will never signal (TLS records already decrypted) gets that input once it
 * resumes from a task, though no byte arrives on the socket.
 */
@Timeout(30)
class ResumeReadingIT {

	/** A layer that holds decoded input of its own, as TLS does after a read that filled the caller's buffer. */
	private static final class HoldingTransport implements Transport {

		private final SocketChannel socket;

		private final ByteBuffer held;

		HoldingTransport(SocketChannel socket, String held) {
			this.socket = socket;
			this.held = ByteBuffer.wrap(held.getBytes(StandardCharsets.US_ASCII));
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			if (!this.held.hasRemaining()) {
				return this.socket.read(dst);
			}
			int n = Math.min(dst.remaining(), this.held.remaining());
			dst.put(this.held.slice(this.held.position(), n));
			this.held.position(this.held.position() + n);
			return n;
		}

		@Override
		public boolean hasBufferedInput() {
			return this.held.hasRemaining();
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			return this.socket.write(src);
		}

		@Override
		public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
			return this.socket.write(srcs, offset, length);
		}

		@Override
		public long write(ByteBuffer[] srcs) throws IOException {
			return this.socket.write(srcs);
		}

		@Override
		public boolean isOpen() {
			return this.socket.isOpen();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	/** Reads only while not paused; what it read is kept. */
	private static final class PausableReader extends Dispatcher {

		final StringBuffer received = new StringBuffer();

		volatile boolean paused = true;

		PausableReader(Reactor reactor, SocketChannel channel) {
			super(reactor, channel);
		}

		@Override
		public boolean readable() {
			return !this.paused;
		}

		@Override
		protected void handleRead() {
			ByteBuffer buffer = ByteBuffer.allocate(64);
			int n = recv(buffer);
			if (n > 0) {
				this.received.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
			}
		}

	}

	@Test
	void inputATransportHoldsIsReadWhenReadingResumesFromATask() throws Exception {
		try (ReactorThread loop = new ReactorThread("resume-reading-it");
				ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
				SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
			SocketChannel accepted = server.accept();
			accepted.configureBlocking(false);
			PausableReader reader = loop.call(() -> {
				PausableReader d = new PausableReader(loop.reactor(), accepted);
				d.setTransport(new HoldingTransport(accepted, "already decrypted"));
				return d;
			});
			for (int i = 0; i < 5; i++) {
				loop.call(() -> null);
			}
			assertThat(reader.received).as("nothing read while paused").isEmpty();
			loop.run(() -> {
				reader.paused = false;
				reader.resumeReading();
			});
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> reader.received.toString().equals("already decrypted"));
			assertThat(client.isOpen()).isTrue();
		}
	}

}
