package dev.asyncore.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

/**
 * {@link BufferedDispatcher#sendFile}: file regions mixed with buffers in one queue, in order, over
 * a plain socket (transferTo) and over TLS (through the transport), then a close when done.
 */
@Timeout(60)
class SendFileIT {

	@TempDir
	static Path dir;

	static Path file;

	static byte[] content;

	static TlsServerContext serverContext;

	static SSLContext clientContext;

	private final ReactorThread loop = new ReactorThread("send-file-it");

	@BeforeAll
	static void setUp() throws Exception {
		content = Bytes.random(new Random(7), 24 * 1024 * 1024 + 123);
		file = Files.write(dir.resolve("large.bin"), content);
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		serverContext = TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD);
		clientContext = TestCertificates.trusting(store);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
	}

	/** Accepts connections and hands each to {@code serve} as a BufferedDispatcher (TLS if asked). */
	static final class Listener extends Dispatcher {

		private final boolean tls;

		private final Consumer<BufferedDispatcher> serve;

		Listener(Reactor reactor, boolean tls, Consumer<BufferedDispatcher> serve) throws IOException {
			super(reactor);
			this.tls = tls;
			this.serve = serve;
			createServerSocket();
			bind(new InetSocketAddress("127.0.0.1", 0));
			listen(16);
		}

		@Override
		protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
			BufferedDispatcher connection = new BufferedDispatcher(this.reactor, channel) {

				@Override
				protected void handleRead() {
					recv(this.reactor.readBuffer()); // the client says nothing; drop whatever comes
				}

			};
			if (this.tls) {
				connection.setTransport(serverContext.wrap(channel));
			}
			this.serve.accept(connection);
		}

	}

	private static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.US_ASCII);
	}

	/** "HEAD", the whole file, "MID", bytes 1000..1999, "END", then close when done. */
	private static void serveMixed(BufferedDispatcher connection, FileChannel channel) {
		connection.send(ascii("HEAD"));
		connection.sendFile(channel, 0, content.length);
		connection.send(ascii("MID"));
		connection.sendFile(channel, 1000, 1000);
		connection.send(ascii("END"));
		connection.closeWhenDone();
	}

	private static byte[] expectedMixed() {
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		expected.writeBytes(ascii("HEAD"));
		expected.writeBytes(content);
		expected.writeBytes(ascii("MID"));
		expected.writeBytes(Arrays.copyOfRange(content, 1000, 2000));
		expected.writeBytes(ascii("END"));
		return expected.toByteArray();
	}

	private InetSocketAddress listen(boolean tls, Consumer<BufferedDispatcher> serve) throws Exception {
		return this.loop.call(() -> (InetSocketAddress) new Listener(this.loop.reactor(), tls, serve).localAddress());
	}

	@Test
	void whenRegionsAndBuffersAreQueuedThenAPlainClientReadsThemInOrderAndTheConnectionClosesWhenDone() throws Exception {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long[] chargedWhileQueued = new long[1];
			long[] pendingWhileQueued = new long[1];
			InetSocketAddress address = listen(false, (connection) -> {
				serveMixed(connection, channel);
				pendingWhileQueued[0] = connection.pendingBytes();
				chargedWhileQueued[0] = connection.reactor().memoryBudget().used();
			});
			byte[] received;
			try (Socket socket = new Socket()) {
				socket.connect(address, 10_000);
				socket.setSoTimeout(30_000);
				received = socket.getInputStream().readAllBytes();
			}

			assertThat(received).hasSameSizeAs(expectedMixed());
			assertThat(received).isEqualTo(expectedMixed());
			assertThat(pendingWhileQueued[0]).as("bytes still queued after the first writes").isGreaterThan(content.length / 2);
			// transferTo: the file's bytes never sit in memory; only the small heap copies are charged
			assertThat(chargedWhileQueued[0]).as("memory charged for the queue").isLessThan(64 * 1024);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.call(() -> this.loop.reactor().size()) == 1);
			assertThat(this.loop.call(() -> this.loop.reactor().memoryBudget().used())).isZero();
		}
	}

	@Test
	void whenTheConnectionIsTlsThenRegionsGoThroughTheTransportInOrder() throws Exception {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			InetSocketAddress address = listen(true, (connection) -> serveMixed(connection, channel));
			byte[] received;
			try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
				socket.connect(address, 10_000);
				socket.setSoTimeout(30_000);
				socket.startHandshake();
				received = readUntilEof(socket.getInputStream());
			}

			assertThat(received).hasSameSizeAs(expectedMixed());
			assertThat(received).isEqualTo(expectedMixed());
			await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.call(() -> this.loop.reactor().size()) == 1);
			assertThat(this.loop.call(() -> this.loop.reactor().memoryBudget().used())).as("staged chunks given back").isZero();
		}
	}

	@Test
	void whenAChatPushesAroundARegionThenPushesAndTheRegionKeepTheirOrder() throws Exception {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			InetSocketAddress address = this.loop.call(() -> (InetSocketAddress) new Dispatcher(this.loop.reactor()) {

				{
					createServerSocket();
					bind(new InetSocketAddress("127.0.0.1", 0));
					listen(4);
				}

				@Override
				protected void handleAccepted(SocketChannel accepted, SocketAddress remote) {
					AsyncChat chat = new AsyncChat(this.reactor, accepted);
					chat.push(ascii("200 file follows\r\n"));
					chat.sendFile(channel, 10, 5000);
					chat.pushWithProducer(new Countdown(3));
					chat.closeWhenDone();
				}

			}.localAddress());
			byte[] received;
			try (Socket socket = new Socket()) {
				socket.connect(address, 10_000);
				socket.setSoTimeout(30_000);
				received = socket.getInputStream().readAllBytes();
			}

			ByteArrayOutputStream expected = new ByteArrayOutputStream();
			expected.writeBytes(ascii("200 file follows\r\n"));
			expected.writeBytes(Arrays.copyOfRange(content, 10, 5010));
			expected.writeBytes(ascii("3\r\n2\r\n1\r\n"));
			assertThat(received).isEqualTo(expected.toByteArray());
		}
	}

	/** A producer of "3\r\n", "2\r\n", "1\r\n". */
	static final class Countdown implements dev.asyncore.chat.Producer {

		private int next;

		Countdown(int from) {
			this.next = from;
		}

		@Override
		public ByteBuffer more() {
			return (this.next > 0) ? ByteBuffer.wrap(ascii((this.next--) + "\r\n")) : null;
		}

	}

	private static byte[] readUntilEof(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[64 * 1024];
		try {
			for (int n; (n = in.read(buffer)) >= 0;) {
				out.write(buffer, 0, n);
			}
		}
		catch (javax.net.ssl.SSLException ex) {
			// the server closes after close_notify without waiting for ours; what arrived is what counts
		}
		return out.toByteArray();
	}

}
