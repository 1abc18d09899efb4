package dev.asyncore.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Item 5 of issue 7: origins that attack the HTTP client. Each attack ends in a typed
 * {@link FetchException} within the policy's timeouts and limits, the origin is cut off long
 * before it finishes, and the same reactor then fetches a normal page.
 */
@Timeout(60)
class HostileOriginIT {

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(3);

	/** Default limits (64 KiB of headers, 10 MiB of body); short timeouts so the test is quick. */
	private static final FetchPolicy POLICY = FetchPolicy.builder()
		.allowPrivateNetworks(true)
		.readTimeout(READ_TIMEOUT)
		.totalTimeout(TOTAL_TIMEOUT)
		.build();

	private static final long HUNDRED_MIB = 100L * 1024 * 1024;

	enum Attack {

		/** One header byte every 50 ms, forever: each byte is within the read timeout. */
		DRIP_HEADERS(FetchException.Timeout.class, "totalTimeout"),

		/** 16 KiB chunks, forever. */
		ENDLESS_CHUNKED_BODY(FetchException.TooLarge.class, "10485760 bytes"),

		/** A header line of 100 MiB. */
		HUNDRED_MIB_HEADER_LINE(FetchException.TooLarge.class, "65536"),

		NEGATIVE_CONTENT_LENGTH(FetchException.Protocol.class, "Invalid Content-Length '-1'"),

		OVERFLOWING_CONTENT_LENGTH(FetchException.Protocol.class, "Invalid Content-Length '99999999999999999999'"),

		/** Promises a 16-byte chunk, sends 5 bytes and closes. */
		CLOSE_MID_CHUNK(FetchException.Protocol.class, "truncated");

		final Class<? extends FetchException> expected;

		final String message;

		Attack(Class<? extends FetchException> expected, String message) {
			this.expected = expected;
			this.message = message;
		}

	}

	private final ReactorThread loop = new ReactorThread("hostile-origins");

	private final AtomicLong originWrote = new AtomicLong();

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

	private HttpServer good;

	private Fetcher fetcher;

	@BeforeEach
	void start() throws IOException {
		this.good = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.good.createContext("/", (exchange) -> {
			byte[] body = "fine".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.good.start();
		this.fetcher = Fetcher.builder(this.loop.reactor()).policy(POLICY).build();
	}

	@AfterEach
	void stop() throws Exception {
		this.fetcher.close();
		this.ticker.shutdownNow();
		this.good.stop(0);
		this.loop.close();
	}

	@ParameterizedTest
	@EnumSource(Attack.class)
	void whenOriginIsHostileThenTheFetchFailsTypedWithinItsLimitsAndTheReactorKeepsServing(Attack attack)
			throws Exception {
		try (RawServer origin = new RawServer((connection, index) -> attack(attack, connection))) {
			long start = System.nanoTime();
			Throwable failure = failure(this.fetcher.fetch(origin.uri("/")));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			System.out.printf("hostile origin %s: %s after %d ms; the origin wrote %d bytes%n", attack,
					failure.getClass().getSimpleName(), took.toMillis(), this.originWrote.get());

			assertThat(failure).isInstanceOf(attack.expected).hasMessageContaining(attack.message);
			assertThat(took).isLessThan(TOTAL_TIMEOUT.plus(READ_TIMEOUT));
			assertThat(this.originWrote.get()).as("bytes the origin got to write").isLessThan(HUNDRED_MIB / 2);
		}
		FetchResult fine = this.fetcher.fetch(URI.create("http://127.0.0.1:" + this.good.getAddress().getPort() + "/"))
			.get(10, TimeUnit.SECONDS);
		assertThat(new String(fine.body(), StandardCharsets.US_ASCII)).isEqualTo("fine");
		assertThat(this.loop.reactor().isLooping()).isTrue();
	}

	private void attack(Attack attack, SocketChannel connection) throws Exception {
		readRequestHead(connection);
		switch (attack) {
			case DRIP_HEADERS -> {
				write(connection, "HTTP/1.1 200 OK\r\nX-Drip: ");
				ScheduledFuture<?> drip = this.ticker.scheduleAtFixedRate(() -> {
					try {
						write(connection, "a");
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex); // the client hung up: the drip ends
					}
				}, 0, 50, TimeUnit.MILLISECONDS);
				try {
					drip.get(30, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					// ended by the client closing the connection
				}
			}
			case ENDLESS_CHUNKED_BODY -> {
				write(connection, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
				byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
				while (true) {
					write(connection, chunk);
				}
			}
			case HUNDRED_MIB_HEADER_LINE -> {
				write(connection, "HTTP/1.1 200 OK\r\nX-Big: ");
				byte[] block = new byte[64 * 1024];
				Arrays.fill(block, (byte) 'a');
				for (long sent = 0; sent < HUNDRED_MIB; sent += block.length) {
					write(connection, block);
				}
				write(connection, "\r\nContent-Length: 0\r\n\r\n");
			}
			case NEGATIVE_CONTENT_LENGTH -> write(connection, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nbody");
			case OVERFLOWING_CONTENT_LENGTH ->
				write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nbody");
			case CLOSE_MID_CHUNK -> write(connection, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort");
		}
	}

	private void write(SocketChannel connection, String text) throws IOException {
		write(connection, text.getBytes(StandardCharsets.ISO_8859_1));
	}

	private void write(SocketChannel connection, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			this.originWrote.addAndGet(connection.write(buffer));
		}
	}

	private static void readRequestHead(SocketChannel connection) throws IOException {
		StringBuilder head = new StringBuilder();
		ByteBuffer one = ByteBuffer.allocate(1);
		while (head.indexOf("\r\n\r\n") < 0 && connection.read(one.clear()) > 0) {
			head.append((char) one.get(0));
		}
	}

	private static Throwable failure(CompletableFuture<FetchResult> future) throws Exception {
		try {
			throw new AssertionError("expected a failure, got " + future.get(20, TimeUnit.SECONDS));
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

}
