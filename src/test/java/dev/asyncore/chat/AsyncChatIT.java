package dev.asyncore.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.asyncore.core.Reactor;
import dev.asyncore.support.ReactorThread;

/**
 * CPython's test_asynchat, translated: a blocking echo server thread collects what the client sends
 * until {@code QUIT\n}, then sends it back {@code chunkSize} bytes at a time and closes.
 */
@Timeout(20)
class AsyncChatIT {

	private static final byte[] QUIT = "QUIT\n".getBytes(StandardCharsets.ISO_8859_1);

	private final ReactorThread loop = new ReactorThread("asynchat-it");

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
	}

	/** The echo server of test_asynchat: one connection, echo after QUIT in chunks, then close. */
	static final class EchoServer extends Thread {

		final ServerSocketChannel server;

		final int chunkSize;

		final CountDownLatch startResend;

		final ByteArrayOutputStream received = new ByteArrayOutputStream();

		EchoServer(int chunkSize, CountDownLatch startResend) throws IOException {
			this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
			this.chunkSize = chunkSize;
			this.startResend = startResend;
			setDaemon(true);
			start();
		}

		InetSocketAddress address() throws IOException {
			return (InetSocketAddress) this.server.getLocalAddress();
		}

		@Override
		public void run() {
			try (ServerSocketChannel listener = this.server; SocketChannel conn = listener.accept()) {
				conn.socket().setTcpNoDelay(true);
				ByteBuffer one = ByteBuffer.allocate(1);
				while (!this.received.toString(StandardCharsets.ISO_8859_1).contains("QUIT\n")) {
					one.clear();
					if (conn.read(one) < 0) {
						break;
					}
					this.received.write(one.array(), 0, one.position());
				}
				byte[] echo = this.received.toString(StandardCharsets.ISO_8859_1)
					.replace("QUIT\n", "")
					.getBytes(StandardCharsets.ISO_8859_1);
				if (this.startResend != null) {
					this.startResend.await(10, TimeUnit.SECONDS);
				}
				for (int i = 0; i < echo.length; i += this.chunkSize) {
					conn.write(ByteBuffer.wrap(echo, i, Math.min(this.chunkSize, echo.length - i)));
				}
			}
			catch (IOException | InterruptedException ex) {
				// the client may be gone (closeWhenDone); what it received is what the test checks
				this.received.write('!');
			}
		}

	}

	/** test_asynchat's echo_client: collects units into contents, the unfinished one into buffer. */
	static final class EchoClient extends AsyncChat {

		final List<String> contents = new CopyOnWriteArrayList<>();

		final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		final CountDownLatch closed = new CountDownLatch(1);

		EchoClient(Reactor reactor, InetSocketAddress address) throws IOException {
			super(reactor);
			createSocket();
			connect(address);
		}

		@Override
		protected void handleConnect() {
		}

		@Override
		protected void collectIncomingData(ByteBuffer data) {
			while (data.hasRemaining()) {
				this.buffer.write(data.get());
			}
		}

		@Override
		protected void foundTerminator() {
			this.contents.add(this.buffer.toString(StandardCharsets.ISO_8859_1));
			this.buffer.reset();
		}

		@Override
		public void close() {
			super.close();
			this.closed.countDown();
		}

		void awaitClosed() throws InterruptedException {
			assertThat(this.closed.await(15, TimeUnit.SECONDS)).as("client closed").isTrue();
		}

	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.ISO_8859_1);
	}

	private EchoClient client(EchoServer server) throws Exception {
		InetSocketAddress address = server.address();
		return this.loop.call(() -> new EchoClient(this.loop.reactor(), address));
	}

	@ParameterizedTest(name = "terminator {0}, server sends {1} byte(s) at a time")
	@CsvSource({ "\\n,1", "\\n,2", "\\n,3", "\\r\\n,1", "\\r\\n,2", "\\r\\n,3", "qqq,1", "qqq,2", "qqq,3" })
	void lineTerminator(String escaped, int chunkSize) throws Exception {
		byte[] term = bytes(escaped.replace("\\n", "\n").replace("\\r", "\r"));
		EchoServer server = new EchoServer(chunkSize, null);
		EchoClient client = client(server);
		this.loop.run(() -> {
			client.setTerminator(term);
			client.push(bytes("hello world"));
			client.push(term);
			client.push(bytes("I'm not dead yet!"));
			client.push(term);
			client.push(QUIT);
		});

		client.awaitClosed();

		assertThat(client.contents).containsExactly("hello world", "I'm not dead yet!");
	}

	@ParameterizedTest(name = "count {0}")
	@ValueSource(ints = { 1, 5, 10 })
	void numericTerminator(int count) throws Exception {
		String data = "hello world, I'm not dead yet!\n";
		EchoServer server = new EchoServer(2, null);
		EchoClient client = client(server);
		this.loop.run(() -> {
			client.setTerminator(count);
			client.push(bytes(data));
			client.push(QUIT);
		});

		client.awaitClosed();

		assertThat(client.contents).containsExactly(data.substring(0, count));
		assertThat(client.buffer.toString(StandardCharsets.ISO_8859_1)).isEqualTo(data.substring(count));
	}

	@Test
	void noneTerminatorCollectsEverything() throws Exception {
		String data = "hello world, I'm not dead yet!\n";
		EchoServer server = new EchoServer(2, null);
		EchoClient client = client(server);
		this.loop.run(() -> {
			client.setTerminator((byte[]) null);
			client.push(bytes(data));
			client.push(QUIT);
		});

		client.awaitClosed();

		assertThat(client.contents).isEmpty();
		assertThat(client.buffer.toString(StandardCharsets.ISO_8859_1)).isEqualTo(data);
	}

	@Test
	void simpleProducerIsPulledUntilEmpty() throws Exception {
		byte[] data = bytes("hello world\nI'm not dead yet!\nQUIT\n");
		EchoServer server = new EchoServer(1, null);
		EchoClient client = client(server);
		int[] pulls = new int[1];
		this.loop.run(() -> {
			client.setTerminator(bytes("\n"));
			int[] offset = new int[1];
			client.pushWithProducer(() -> {
				pulls[0]++;
				int n = Math.min(8, data.length - offset[0]);
				ByteBuffer piece = ByteBuffer.wrap(data, offset[0], n);
				offset[0] += n;
				return piece;
			});
		});

		client.awaitClosed();

		assertThat(client.contents).containsExactly("hello world", "I'm not dead yet!");
		assertThat(pulls[0]).as("8-byte pieces plus the empty one").isEqualTo(data.length / 8 + 2);
	}

	@Test
	void emptyLinesAreUnitsToo() throws Exception {
		EchoServer server = new EchoServer(3, null);
		EchoClient client = client(server);
		this.loop.run(() -> {
			client.setTerminator(bytes("\n"));
			client.push(bytes("hello world\n\nI'm not dead yet!\n"));
			client.push(QUIT);
		});

		client.awaitClosed();

		assertThat(client.contents).containsExactly("hello world", "", "I'm not dead yet!");
	}

	@Test
	void unitOverMaxIncomingReachesHandleErrorAsANamedException() throws Exception {
		EchoServer server = new EchoServer(3, null);
		InetSocketAddress address = server.address();
		java.util.concurrent.CompletableFuture<Throwable> error = new java.util.concurrent.CompletableFuture<>();
		this.loop.run(() -> {
			AsyncChat client = new AsyncChat(this.loop.reactor()) {

				@Override
				protected void handleConnect() {
				}

				@Override
				protected void handleError(Throwable failure) {
					error.complete(failure);
					super.handleError(failure);
				}

			};
			client.createSocket();
			client.connect(address);
			client.setMaxIncoming(16);
			client.setTerminator(bytes("\n"));
			client.push(bytes("this line is longer than sixteen bytes\n"));
			client.push(QUIT);
		});

		assertThat(error.get(15, TimeUnit.SECONDS)).isInstanceOf(TooLongFrameException.class)
			.hasMessageContaining("exceeds 16 bytes");
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> this.loop.reactor().size() == 0);
	}

	@Test
	void whenAPushIsMadeOnASocketThatNeverConnectedThenTheChannelClosesAndLoopReturns() throws Exception {
		try (Reactor reactor = new Reactor("push-never-connected")) {
			List<String> hooks = new CopyOnWriteArrayList<>();
			AsyncChat chat = new AsyncChat(reactor) {
				@Override
				protected void handleClose() {
					hooks.add("close");
					super.handleClose();
				}
			};
			chat.createSocket();
			chat.push(bytes("hello\n")); // CPython 3.11: the loop's first event on it fails with ENOTCONN: handle_close
			reactor.loop(java.time.Duration.ofMillis(10), 100); // returns at once once the map is empty
			assertThat(hooks).containsExactly("close");
			assertThat(chat.isClosed()).isTrue();
			assertThat(chat.pendingBytes()).isZero();
			assertThat(reactor.size()).isZero();
		}
	}

	@Test
	void closeWhenDoneClosesAfterTheQueueIsSent() throws Exception {
		CountDownLatch startResend = new CountDownLatch(1);
		EchoServer server = new EchoServer(1, startResend);
		EchoClient client = client(server);
		this.loop.run(() -> {
			client.setTerminator(bytes("\n"));
			client.push(bytes("hello world\nI'm not dead yet!\n"));
			client.push(QUIT);
			client.closeWhenDone();
		});

		client.awaitClosed();
		startResend.countDown();
		server.join(10_000);

		assertThat(client.contents).isEmpty();
		assertThat(server.received.toString(StandardCharsets.ISO_8859_1))
			.startsWith("hello world\nI'm not dead yet!\nQUIT\n");
		assertThat(this.loop.reactor().size()).isZero();
	}

}
