package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

/** The HTTP client against loopback origins: the JDK's HttpServer and scripted raw servers. */
@Timeout(30)
class HttpClientIT {

	private static final FetchPolicy LOOPBACK = FetchPolicy.builder()
		.allowPrivateNetworks(true)
		.connectTimeout(Duration.ofSeconds(2))
		.readTimeout(Duration.ofSeconds(2))
		.totalTimeout(Duration.ofSeconds(10))
		.build();

	private final ReactorThread loop = new ReactorThread("http-it");

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private HttpServer jdk;

	private Fetcher fetcher;

	@BeforeEach
	void start() throws IOException {
		this.jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.jdk.createContext("/hello", ex -> reply(ex, 200, "hello"));
		this.jdk.createContext("/chunked", ex -> {
			ex.sendResponseHeaders(200, 0);
			try (OutputStream out = ex.getResponseBody()) {
				for (int i = 0; i < 100; i++) {
					out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
			}
		});
		this.jdk.createContext("/r1", ex -> redirect(ex, 302, "r2?x=1"));
		this.jdk.createContext("/r2", ex -> redirect(ex, 301, "http://127.0.0.1:" + port() + "/hello"));
		this.jdk.createContext("/see-other", ex -> redirect(ex, 303, "/hello"));
		this.jdk.createContext("/loop", ex -> redirect(ex, 307, "/loop"));
		this.jdk.createContext("/to-metadata", ex -> redirect(ex, 308, "http://169.254.169.254/latest/meta-data/"));
		this.jdk.start();
		this.fetcher = Fetcher.builder(this.loop.reactor()).policy(LOOPBACK).build();
	}

	@AfterEach
	void stop() throws Exception {
		this.fetcher.close();
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.jdk.stop(0);
		this.loop.close();
	}

	private int port() {
		return this.jdk.getAddress().getPort();
	}

	private URI jdkUri(String path) {
		return URI.create("http://127.0.0.1:" + port() + path);
	}

	private static void reply(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
		exchange.getResponseHeaders().add("Location", location);
		reply(exchange, status, "moved");
	}

	private RawServer raw(RawServer.Handler handler) throws IOException {
		RawServer server = new RawServer(handler);
		this.closeables.add(server);
		return server;
	}

	private static FetchResult get(CompletableFuture<FetchResult> future) throws Exception {
		return future.get(20, TimeUnit.SECONDS);
	}

	private static Throwable failure(CompletableFuture<FetchResult> future) throws Exception {
		try {
			FetchResult result = future.get(20, TimeUnit.SECONDS);
			throw new AssertionError("expected a failure, got " + result);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	/** A failure, how long after the call it came and when ({@link System#nanoTime()}). */
	record Timed(Throwable failure, Duration elapsed, long endedAt) {
	}

	/**
	 * The upper bound of a timeout test: a timeout that fires at all fires within it, however busy the
	 * machine; a timeout that never fires (the feature broken) hangs past it.
	 */
	private static final Duration GENEROUS = Duration.ofSeconds(5);

	private static Timed timed(java.util.concurrent.Callable<CompletableFuture<FetchResult>> fetch) throws Exception {
		long start = System.nanoTime();
		Throwable failure = failure(fetch.call());
		long end = System.nanoTime();
		return new Timed(failure, Duration.ofNanos(end - start), end);
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	@Test
	void contentLengthBodyWithHeadersDigestAndTimings() throws Exception {
		FetchResult result = get(this.fetcher.fetch(jdkUri("/hello")));

		assertThat(result.status()).isEqualTo(200);
		assertThat(result.reason()).isEqualTo("OK");
		assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
		assertThat(result.bodySize()).isEqualTo(5);
		assertThat(result.sha256()).isEqualTo(sha256("hello".getBytes(StandardCharsets.UTF_8)));
		assertThat(result.headers().firstValue("content-length")).hasValue("5");
		assertThat(result.remoteAddress().getPort()).isEqualTo(port());
		assertThat(result.timings().total()).isPositive();
		assertThat(result.timings().connect()).isPositive();
		assertThat(result.timings().tls()).isZero();
		assertThat(result.redirects()).isEmpty();
	}

	@Test
	void requestCarriesHostUserAgentAndIdentityEncoding() throws Exception {
		RawServer echo = raw((connection, index) -> {
			String request = this.rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: " + request.length() + "\r\n\r\n" + request);
		});

		FetchResult result = get(this.fetcher.fetch(echo.uri("/path?q=1#fragment")));

		String request = new String(result.body(), StandardCharsets.ISO_8859_1);
		assertThat(request).startsWith("GET /path?q=1 HTTP/1.1\r\n")
			.contains("\r\nHost: 127.0.0.1:" + echo.port() + "\r\n")
			.contains("\r\nUser-Agent: " + Fetcher.DEFAULT_USER_AGENT + "\r\n")
			.contains("\r\nAccept-Encoding: identity\r\n");
	}

	private String rawRequest(SocketChannel connection) throws IOException {
		StringBuilder head = new StringBuilder();
		ByteBuffer one = ByteBuffer.allocate(1);
		while (head.indexOf("\r\n\r\n") < 0 && connection.read(one.clear()) > 0) {
			head.append((char) one.get(0));
		}
		return head.toString();
	}

	@Test
	void chunkedBodyFromTheJdkServer() throws Exception {
		FetchResult result = get(this.fetcher.fetch(jdkUri("/chunked")));

		assertThat(result.headers().firstValue("transfer-encoding")).hasValue("chunked");
		String body = new String(result.body(), StandardCharsets.US_ASCII);
		assertThat(body).startsWith("line 0\nline 1\n").endsWith("line 99\n");
		assertThat(body.lines()).hasSize(100);
	}

	@Test
	void chunkedBodyWithExtensionsAndTrailers() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ "4;a=b\r\nWiki\r\n6 ; c\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n");
		});

		FetchResult result = get(this.fetcher.fetch(server.uri("/")));

		assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("Wikipedia in \r\n\r\nchunks.");
	}

	@Test
	void bodyUntilClose() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length, ends at close");
		});

		FetchResult result = get(this.fetcher.fetch(server.uri("/")));

		assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("no length, ends at close");
		assertThat(result.bodySize()).isEqualTo(24);
	}

	@Test
	void headReadsNoBodyAndKeepsTheConnection() throws Exception {
		RawServer server = raw((connection, index) -> {
			while (rawRequest(connection).startsWith("HEAD")) {
				RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
			}
		});

		FetchResult first = get(this.fetcher.fetch(server.uri("/"), FetchOptions.head()));
		FetchResult second = get(this.fetcher.fetch(server.uri("/"), FetchOptions.head()));

		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body()).isEmpty();
		assertThat(first.headers().firstValue("Content-Length")).hasValue("1000");
		assertThat(second.reusedConnection()).isTrue();
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void keepAliveConnectionsAreReusedPerRoute() throws Exception {
		FetchResult first = get(this.fetcher.fetch(jdkUri("/hello")));
		FetchResult second = get(this.fetcher.fetch(jdkUri("/hello")));

		assertThat(first.reusedConnection()).isFalse();
		assertThat(second.reusedConnection()).isTrue();
		assertThat(second.timings().connect()).isZero();
		assertThat(this.loop.call(this.fetcher::idleConnections)).isEqualTo(1);
	}

	@Test
	void pooledConnectionClosedByTheServerIsRetriedOnce() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			// claims keep-alive, then closes: the next request on this connection sees EOF at once
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		});
		get(this.fetcher.fetch(server.uri("/")));
		await(() -> this.loop.call(this.fetcher::idleConnections) == 0 || server.connectionCount() == 1);

		FetchResult second = get(this.fetcher.fetch(server.uri("/")));

		assertThat(new String(second.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
		assertThat(server.connectionCount()).isEqualTo(2);
	}

	private static void await(java.util.concurrent.Callable<Boolean> condition) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(condition);
	}

	@Test
	void concurrentFetchesAllComplete() throws Exception {
		List<CompletableFuture<FetchResult>> futures = new ArrayList<>();
		for (int i = 0; i < 32; i++) {
			futures.add(this.fetcher.fetch(jdkUri("/hello")));
		}

		for (CompletableFuture<FetchResult> future : futures) {
			assertThat(get(future).body()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
		}
		assertThat(this.loop.call(this.fetcher::idleConnections)).isBetween(1, 32);
	}

	@Test
	void redirectsAreFollowedAndRelativeLocationsResolved() throws Exception {
		FetchResult result = get(this.fetcher.fetch(jdkUri("/r1")));

		assertThat(result.status()).isEqualTo(200);
		assertThat(result.uri()).isEqualTo(jdkUri("/hello"));
		assertThat(result.redirects()).containsExactly(jdkUri("/r1"), jdkUri("/r2?x=1"));
		assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
	}

	@Test
	void seeOtherIsFollowed() throws Exception {
		FetchResult result = get(this.fetcher.fetch(jdkUri("/see-other")));

		assertThat(result.uri()).isEqualTo(jdkUri("/hello"));
	}

	@Test
	void zeroRedirectsReturnsTheRedirectItself() throws Exception {
		FetchOptions options = FetchOptions.get().policy(LOOPBACK.toBuilder().maxRedirects(0).build());

		FetchResult result = get(this.fetcher.fetch(jdkUri("/r1"), options));

		assertThat(result.status()).isEqualTo(302);
		assertThat(result.headers().firstValue("Location")).hasValue("r2?x=1");
	}

	@Test
	void redirectLoopIsStopped() throws Exception {
		Throwable failure = failure(this.fetcher.fetch(jdkUri("/loop")));

		assertThat(failure).isInstanceOf(FetchException.TooManyRedirects.class)
			.hasMessageContaining("More than 5 redirects")
			.hasMessageContaining("loop");
	}

	@Test
	void everyRedirectHopIsCheckedByThePolicy() throws Exception {
		Throwable failure = failure(this.fetcher.fetch(jdkUri("/to-metadata")));

		assertThat(failure).isInstanceOf(FetchException.Refused.class).hasMessageContaining("169.254.169.254");
	}

	@Test
	void theResolvedAddressIsWhatThePolicyChecks() throws Exception {
		Resolver toLoopback = host -> new InetAddress[] { InetAddress.getByAddress(host, new byte[] { 127, 0, 0, 1 }) };
		try (Fetcher strict = Fetcher.builder(this.loop.reactor()).resolver(toLoopback).build()) {
			Throwable failure = failure(strict.fetch(URI.create("http://innocent.example:" + port() + "/hello")));

			assertThat(failure).isInstanceOf(FetchException.Refused.class)
				.hasMessageContaining("innocent.example")
				.hasMessageContaining("127.0.0.1")
				.hasMessageContaining("loopback");
		}
		assertThat(this.jdk.getAddress()).isNotNull();
	}

	@Test
	void unresolvableHostIsADnsError() throws Exception {
		Resolver none = host -> {
			throw new UnknownHostException(host + ": Name or service not known");
		};
		try (Fetcher fetcher = Fetcher.builder(this.loop.reactor()).policy(LOOPBACK).resolver(none).build()) {
			Throwable failure = failure(fetcher.fetch(URI.create("http://no-such-host.invalid/")));

			assertThat(failure).isInstanceOf(FetchException.Dns.class).hasMessageContaining("no-such-host.invalid");
		}
	}

	@Test
	void refusedConnectionIsAConnectError() throws Exception {
		int port;
		try (ServerSocketChannel closed = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
			port = ((InetSocketAddress) closed.getLocalAddress()).getPort();
		}

		Throwable failure = failure(this.fetcher.fetch(URI.create("http://127.0.0.1:" + port + "/")));

		assertThat(failure).isInstanceOf(FetchException.Connect.class).hasMessageContaining("127.0.0.1:" + port);
	}

	@Test
	void invalidUrlFailsTheFutureWithoutConnecting() throws Exception {
		Throwable failure = failure(this.fetcher.fetch(URI.create("http://1.2.3.999/")));

		assertThat(failure).isInstanceOf(FetchException.InvalidUrl.class);
	}

	@Test
	void interimResponsesAreSkipped() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
					+ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
		});

		FetchResult result = get(this.fetcher.fetch(server.uri("/")));

		assertThat(result.status()).isEqualTo(200);
		assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("final");
	}

	@Test
	void fiftyMebibytesStreamToADigestWithoutBeingKept() throws Exception {
		int size = 50 * 1024 * 1024;
		byte[] block = new byte[64 * 1024];
		for (int i = 0; i < block.length; i++) {
			block[i] = (byte) (i * 31 + (i >>> 8));
		}
		MessageDigest expected = MessageDigest.getInstance("SHA-256");
		for (int sent = 0; sent < size; sent += block.length) {
			expected.update(block);
		}
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
			for (int sent = 0; sent < size; sent += block.length) {
				RawServer.write(connection, block);
			}
		});
		long[] seen = new long[2];
		BodySink counting = data -> {
			seen[0] += data.remaining();
			seen[1] = Math.max(seen[1], data.remaining());
			data.position(data.limit());
		};
		FetchOptions options = FetchOptions.get()
			.policy(LOOPBACK.toBuilder().maxBodySize(64L * 1024 * 1024).build())
			.sink(counting);

		FetchResult result = get(this.fetcher.fetch(server.uri("/big"), options));

		assertThat(result.bodySize()).isEqualTo(size);
		assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
		assertThat(result.body()).isEmpty();
		assertThat(seen[0]).isEqualTo(size);
		assertThat(seen[1]).as("largest piece handed to the sink").isLessThanOrEqualTo(64 * 1024);
	}

	@Test
	void bodyStreamsToAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
		java.nio.file.Path file = dir.resolve("body.txt");

		FetchResult result = get(this.fetcher.fetch(jdkUri("/chunked"), FetchOptions.get().sink(BodySink.toFile(file))));

		assertThat(result.body()).isEmpty();
		assertThat(java.nio.file.Files.size(file)).isEqualTo(result.bodySize());
		assertThat(sha256(java.nio.file.Files.readAllBytes(file))).isEqualTo(result.sha256());
	}

	@Test
	void truncatedBodyIsAProtocolError() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
		});

		Throwable failure = failure(this.fetcher.fetch(server.uri("/")));

		assertThat(failure).isInstanceOf(FetchException.Protocol.class).hasMessageContaining("got 10 of 100");
	}

	@Test
	void truncatedChunkedBodyIsAProtocolError() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort");
		});

		Throwable failure = failure(this.fetcher.fetch(server.uri("/")));

		assertThat(failure).isInstanceOf(FetchException.Protocol.class).hasMessageContaining("truncated");
	}

	@Test
	void garbageStatusLineIsAProtocolError() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "SSH-2.0-OpenSSH_9.6\r\n");
		});

		Throwable failure = failure(this.fetcher.fetch(server.uri("/")));

		assertThat(failure).isInstanceOf(FetchException.Protocol.class).hasMessageContaining("SSH-2.0");
	}

	@Test
	void oversizeHeadersAreTooLarge() throws Exception {
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nX-Padding: " + "x".repeat(4096) + "\r\n\r\n");
		});
		FetchOptions options = FetchOptions.get().policy(LOOPBACK.toBuilder().maxHeaderBytes(1024).build());

		Throwable failure = failure(this.fetcher.fetch(server.uri("/"), options));

		assertThat(failure).isInstanceOf(FetchException.TooLarge.class).hasMessageContaining("1024");
	}

	@Test
	void bodyOverTheMemoryCapIsTooLarge() throws Exception {
		FetchOptions options = FetchOptions.get().policy(LOOPBACK.toBuilder().maxBodySize(3).build());

		Throwable failure = failure(this.fetcher.fetch(jdkUri("/hello"), options));

		assertThat(failure).isInstanceOf(FetchException.TooLarge.class).hasMessageContaining("3 bytes");
	}

	@Test
	void aPooledConnectionAppliesTheLimitsOfTheFetchItServes() throws Exception {
		get(this.fetcher.fetch(jdkUri("/hello")));
		FetchOptions streamedSmall = FetchOptions.get()
			.policy(LOOPBACK.toBuilder().maxBodySize(3).build())
			.sink(BodySink.discard());

		Throwable failure = failure(this.fetcher.fetch(jdkUri("/hello"), streamedSmall));

		assertThat(failure).isInstanceOf(FetchException.TooLarge.class).hasMessageContaining("3 bytes");
	}

	@Test
	void stalledServerHitsTheReadTimeoutInTime() throws Exception {
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		this.closeables.add(release::countDown);
		java.util.concurrent.atomic.AtomicLong lastByteWritten = new java.util.concurrent.atomic.AtomicLong();
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			lastByteWritten.set(System.nanoTime()); // before the write: the client reads the bytes after this
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
			release.await(20, TimeUnit.SECONDS);
		});
		Duration timeout = Duration.ofMillis(400);
		FetchOptions options = FetchOptions.get().policy(LOOPBACK.toBuilder().readTimeout(timeout).build());

		Timed timed = timed(() -> this.fetcher.fetch(server.uri("/"), options));
		Throwable failure = timed.failure();
		Duration elapsed = timed.elapsed();

		assertThat(failure).isInstanceOf(FetchException.Timeout.class).hasMessageContaining("readTimeout");
		assertThat(((FetchException.Timeout) failure).phase()).isEqualTo("read");
		// the read timeout counts from the last byte, which the client read after the server began to write it
		assertThat(Duration.ofNanos(timed.endedAt() - lastByteWritten.get())).as("failed a timeout after the last byte")
			.isGreaterThanOrEqualTo(timeout);
		assertThat(elapsed).as("a timeout, not a hang: generous, the machine may be busy")
			.isGreaterThanOrEqualTo(timeout)
			.isLessThan(timeout.plus(GENEROUS));
	}

	@Test
	void tricklingServerHitsTheTotalTimeoutInTime() throws Exception {
		java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor();
		this.closeables.add(ticker::shutdownNow);
		java.util.concurrent.CountDownLatch dripStopped = new java.util.concurrent.CountDownLatch(1);
		RawServer server = raw((connection, index) -> {
			rawRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
			java.util.concurrent.ScheduledFuture<?> drip = ticker.scheduleAtFixedRate(() -> {
				try {
					RawServer.write(connection, ".");
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}, 0, 50, TimeUnit.MILLISECONDS);
			try {
				drip.get(20, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				dripStopped.countDown(); // the client closed the connection: the write failed
			}
		});
		Duration total = Duration.ofMillis(600);
		FetchOptions options = FetchOptions.get()
			.policy(LOOPBACK.toBuilder().readTimeout(Duration.ofMillis(300)).totalTimeout(total).build());

		Timed timed = timed(() -> this.fetcher.fetch(server.uri("/"), options));
		Throwable failure = timed.failure();
		Duration elapsed = timed.elapsed();

		assertThat(failure).isInstanceOf(FetchException.Timeout.class).hasMessageContaining("totalTimeout");
		assertThat(elapsed).as("a timeout, not a hang: generous, the machine may be busy")
			.isGreaterThanOrEqualTo(total)
			.isLessThan(total.plus(GENEROUS));
		assertThat(dripStopped.await(10, TimeUnit.SECONDS)).as("connection closed on timeout").isTrue();
	}

	@Test
	void unansweredConnectHitsTheConnectTimeoutInTime() throws Exception {
		// A listener that never accepts, its queue filled: the kernel drops further SYNs.
		ServerSocketChannel full = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1);
		this.closeables.add(full);
		List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			java.nio.channels.SocketChannel filler = java.nio.channels.SocketChannel.open();
			filler.configureBlocking(false);
			filler.connect(full.getLocalAddress());
			fillers.add(filler);
			this.closeables.add(filler);
		}
		Duration timeout = Duration.ofMillis(400);
		FetchOptions options = FetchOptions.get().policy(LOOPBACK.toBuilder().connectTimeout(timeout).build());
		int port = ((InetSocketAddress) full.getLocalAddress()).getPort();

		Timed timed = timed(() -> this.fetcher.fetch(URI.create("http://127.0.0.1:" + port + "/"), options));
		Throwable failure = timed.failure();
		Duration elapsed = timed.elapsed();

		assertThat(failure).isInstanceOf(FetchException.Timeout.class).hasMessageContaining("connectTimeout");
		assertThat(elapsed).as("a timeout, not a hang: generous, the machine may be busy")
			.isGreaterThanOrEqualTo(timeout)
			.isLessThan(timeout.plus(GENEROUS));
		assertThat(fillers).isNotEmpty();
	}

}
