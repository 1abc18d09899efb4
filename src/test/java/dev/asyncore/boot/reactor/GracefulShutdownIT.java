package dev.asyncore.boot.reactor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@Timeout(120)
class GracefulShutdownIT {

	private static final int CLIENTS = 100;

	/** Its last quarter (1.5 s) is the flush window: wide enough for 100 slow reader threads on two cores. */
	private static final Duration GRACE = Duration.ofSeconds(6);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=" + GRACE.toMillis() + "ms",
				"asyncore.listeners[0].name=echo", "asyncore.listeners[0].port=0",
				// with the clients' small receive buffers, bounds what the last quarter of the grace must
				// flush: 100 x (64 KB + one read + the socket buffers); without a fixed send buffer the
				// kernel lets 4 MiB per connection wait, 400 MB for slow readers to take in 1.5 s
				"asyncore.listeners[0].write-high-water-mark=64KB", "asyncore.listeners[0].send-buffer-size=64KB");

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void whenContextClosesUnderLoadThenEveryByteReceivedGoesBackAndStopEndsWithinTheGrace() {
		this.runner.run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("echo").port();
			ListenerStats stats = stats(context.getBean(ListenerRegistry.class));
			List<StreamingClient> clients = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(new StreamingClient(i, connectWithSmallReceiveBuffer(port)));
			}
			clients.forEach((client) -> client.start(this.threads));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> clients.stream().allMatch((client) -> client.received.get() > 0));

			long start = System.nanoTime();
			context.close();
			Duration stopTook = Duration.ofNanos(System.nanoTime() - start);

			CompletableFuture.allOf(clients.stream().map((c) -> c.reading).toArray(CompletableFuture[]::new))
				.get(30, TimeUnit.SECONDS);
			long echoedToClients = clients.stream().mapToLong((c) -> c.received.get()).sum();
			assertThat(clients).allSatisfy((client) -> assertThat(client.corrupt).isFalse());
			assertThat(stats.get(Counter.BYTES_RECEIVED)).isPositive();
			assertThat(stats.get(Counter.BYTES_SENT)).isEqualTo(stats.get(Counter.BYTES_RECEIVED));
			assertThat(echoedToClients).as("bytes echoed back to the clients")
				.isEqualTo(stats.get(Counter.BYTES_RECEIVED));
			assertThat(stats.activeConnections()).isZero();
			// the grace is the feature: stop ends by it (then closes what is left), not by a second one
			assertThat(stopTook).as("stop ends by the grace (generous: the machine may be busy)")
				.isLessThan(GRACE.plusSeconds(4));
			clients.forEach(StreamingClient::close);
		});
	}

	@Test
	void whenClientFinishesWithinTheGraceThenItGetsItsWholeEchoAndStopEndsEarly() {
		this.runner.withPropertyValues("asyncore.reactor.shutdown-grace=20s").run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("echo").port();
			try (Socket client = Loopback.connect(port)) {
				assertThat(Loopback.roundTrip(client, "before")).isEqualTo("before");
				long start = System.nanoTime();
				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close, this.threads);
				await().atMost(Duration.ofSeconds(10))
					.ignoreException(IOException.class)
					.until(() -> refused(port));

				byte[] message = Loopback.pattern(3, 300_000);
				CompletableFuture<byte[]> echo = CompletableFuture
					.supplyAsync(() -> readAll(client), this.threads);
				assertThat(closing).as("stop waits for the open connection").isNotDone();
				client.getOutputStream().write(message);
				client.shutdownOutput();
				assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo(message);

				closing.get(10, TimeUnit.SECONDS);
				// after the client finished (above) and well before the 20 s grace
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			}
		});
	}

	@Test
	void whenNoConnectionIsOpenThenStopEndsWithoutWaitingForTheGrace() {
		this.runner.withPropertyValues("asyncore.reactor.shutdown-grace=30s").run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			int port = lifecycle.listener("echo").port();
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(lifecycle.isRunning()).isFalse();
			assertThat(lifecycle.loopFailure()).isNull();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> Loopback.connect(port).close());
		});
	}

	/**
	 * A client socket whose receive buffer stays at 64 KiB: with the kernel's autotuning, megabytes per
	 * connection could sit unread behind slow reader threads, more than any flush window drains.
	 */
	private static Socket connectWithSmallReceiveBuffer(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(64 * 1024);
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		socket.setSoTimeout(30_000);
		return socket;
	}

	private static boolean refused(int port) throws IOException {
		try (Socket probe = Loopback.connect(port)) {
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
	}

	private static byte[] readAll(Socket socket) {
		try {
			return Loopback.readToEnd(socket.getInputStream());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static ListenerStats stats(ListenerRegistry registry) {
		return registry.listeners().get(0).stats();
	}

	/** Sends a patterned stream as fast as the server takes it and checks every byte coming back. */
	private static final class StreamingClient {

		private static final int CHUNK = 8 * 1024;

		final AtomicLong received = new AtomicLong();

		final CompletableFuture<Void> reading = new CompletableFuture<>();

		volatile boolean corrupt;

		private final int seed;

		private final Socket socket;

		private final AtomicBoolean closed = new AtomicBoolean();

		StreamingClient(int seed, Socket socket) {
			this.seed = seed;
			this.socket = socket;
		}

		void start(ExecutorService threads) {
			threads.execute(this::write);
			threads.execute(this::read);
		}

		private void write() {
			byte[] cycle = Loopback.pattern(this.seed, 251 + CHUNK);
			long offset = 0;
			try {
				OutputStream out = this.socket.getOutputStream();
				while (!this.closed.get()) {
					out.write(cycle, (int) (offset % 251), CHUNK);
					offset += CHUNK;
				}
			}
			catch (IOException ex) {
				// the server closed the connection: the stream ends here
			}
		}

		private void read() {
			byte[] buffer = new byte[CHUNK];
			try {
				InputStream in = this.socket.getInputStream();
				int n;
				while ((n = in.read(buffer)) > 0) {
					long base = this.received.get();
					for (int i = 0; i < n; i++) {
						if (buffer[i] != Loopback.patternByte(this.seed, base + i)) {
							this.corrupt = true;
						}
					}
					this.received.addAndGet(n);
				}
				// the server's FIN after its last byte: like a well-behaved peer, stop sending and close,
				// which lets the server's lingering close end before the grace does
				close();
			}
			catch (IOException ex) {
				// a reset: what arrived before it was counted, and the byte counts below tell if any was lost
			}
			finally {
				this.reading.complete(null);
			}
		}

		void close() {
			this.closed.set(true);
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing a test socket
			}
		}

	}

}
