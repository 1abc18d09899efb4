package dev.asyncore.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.tls.TlsServerContext;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS fetches against the JDK's HttpsServer with certificates generated at test time. */
@Timeout(30)
class HttpsIT {

	@TempDir
	static Path dir;

	static HttpsServer good;

	static HttpsServer wrongName;

	static SSLContext trustGood;

	static SSLContext trustWrongName;

	static byte[] large;

	private final ReactorThread loop = new ReactorThread("https-it");

	private final Resolver localhost = host -> new InetAddress[] {
			InetAddress.getByAddress(host, new byte[] { 127, 0, 0, 1 }) };

	@BeforeAll
	static void servers() throws Exception {
		Path goodStore = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		Path otherStore = TestCertificates.generate(dir, "other", "dns:other.example");
		trustGood = TestCertificates.trusting(goodStore);
		trustWrongName = TestCertificates.trusting(otherStore);
		large = new byte[1 << 20];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i ^ (i >>> 7));
		}
		good = server(goodStore);
		wrongName = server(otherStore);
	}

	private static HttpsServer server(Path store) throws Exception {
		HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(
				new HttpsConfigurator(TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		server.createContext("/hello", exchange -> send(exchange, "secure".getBytes(StandardCharsets.US_ASCII)));
		server.createContext("/large", exchange -> send(exchange, large));
		server.start();
		return server;
	}

	private static void send(HttpExchange exchange, byte[] body) throws IOException {
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@AfterAll
	static void stopServers() {
		good.stop(0);
		wrongName.stop(0);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
	}

	private Fetcher fetcher(SSLContext trust) {
		return Fetcher.builder(this.loop.reactor())
			.policy(FetchPolicy.builder().allowPrivateNetworks(true).build())
			.sslContext(trust)
			.resolver(this.localhost)
			.build();
	}

	private static URI uri(HttpsServer server, String host, String path) {
		return URI.create("https://" + host + ":" + server.getAddress().getPort() + path);
	}

	private static Throwable failure(CompletableFuture<FetchResult> future) throws Exception {
		try {
			throw new AssertionError("expected a failure, got " + future.get(20, TimeUnit.SECONDS));
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	@Test
	void fetchesOverTlsByNameWithSniAndReusesTheConnection() throws Exception {
		try (Fetcher fetcher = fetcher(trustGood)) {
			FetchResult first = fetcher.fetch(uri(good, "localhost", "/hello")).get(20, TimeUnit.SECONDS);
			FetchResult second = fetcher.fetch(uri(good, "localhost", "/hello")).get(20, TimeUnit.SECONDS);

			assertThat(first.status()).isEqualTo(200);
			assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("secure");
			assertThat(first.timings().tls()).isPositive();
			assertThat(first.timings().dns()).isPositive();
			assertThat(second.reusedConnection()).isTrue();
			assertThat(second.timings().tls()).isZero();
		}
	}

	@Test
	void aRequestsEngineSetupIsAppliedToTheEngineBeforeTheHandshake() throws Exception {
		// the server offers TLS 1.3 and 1.2; the setup leaves the client only 1.2 (a prober's max_version)
		AtomicReference<SSLEngine> seen = new AtomicReference<>();
		RequestOptions request = new RequestOptions(null, List.of(), null, () -> trustGood, (engine) -> {
			engine.setEnabledProtocols(new String[] { "TLSv1.2" });
			seen.set(engine);
		}, null, null, true, null);
		try (Fetcher fetcher = fetcher(trustGood)) {
			FetchResult result = fetcher.fetch(uri(good, "localhost", "/hello"), FetchOptions.get().request(request))
				.get(20, TimeUnit.SECONDS);
			assertThat(result.status()).isEqualTo(200);
			assertThat(seen.get()).as("the setup ran").isNotNull();
			assertThat(seen.get().getSession().getProtocol()).isEqualTo("TLSv1.2");
		}
	}

	@Test
	void reportsWhenThePeerCertificateExpiresForHttpsOnly() throws Exception {
		// keytool made the certificate valid for 2 days from now
		try (Fetcher fetcher = fetcher(trustGood)) {
			FetchResult result = fetcher.fetch(uri(good, "localhost", "/hello")).get(20, TimeUnit.SECONDS);
			FetchResult reused = fetcher.fetch(uri(good, "localhost", "/hello")).get(20, TimeUnit.SECONDS);

			Instant now = Instant.now();
			assertThat(result.certificateNotAfter()).isBetween(now.plus(Duration.ofHours(47)),
					now.plus(Duration.ofHours(49)));
			assertThat(reused.reusedConnection()).isTrue();
			assertThat(reused.certificateNotAfter()).isEqualTo(result.certificateNotAfter());
		}
	}

	@Test
	void fetchesByIpAddressMatchingAnIpSubjectAltName() throws Exception {
		try (Fetcher fetcher = fetcher(trustGood)) {
			FetchResult result = fetcher.fetch(uri(good, "127.0.0.1", "/hello")).get(20, TimeUnit.SECONDS);

			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("secure");
		}
	}

	@Test
	void largeBodyOverTlsArrivesIntact() throws Exception {
		try (Fetcher fetcher = fetcher(trustGood)) {
			FetchResult result = fetcher.fetch(uri(good, "localhost", "/large")).get(20, TimeUnit.SECONDS);

			assertThat(result.bodySize()).isEqualTo(large.length);
			assertThat(result.sha256())
				.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(large)));
		}
	}

	@Test
	void untrustedCertificateIsRefused() throws Exception {
		try (Fetcher fetcher = fetcher(SSLContext.getDefault())) {
			Throwable failure = failure(fetcher.fetch(uri(good, "localhost", "/hello")));

			assertThat(failure).isInstanceOf(FetchException.Tls.class)
				.hasMessageContaining("not signed by a trusted authority");
		}
	}

	@Test
	void certificateForAnotherNameIsRefused() throws Exception {
		try (Fetcher fetcher = fetcher(trustWrongName)) {
			Throwable failure = failure(fetcher.fetch(uri(wrongName, "localhost", "/hello")));

			assertThat(failure).isInstanceOf(FetchException.Tls.class).hasMessageContaining("not valid for host localhost");
		}
	}

	@Test
	void plainHttpOnAnHttpsUrlIsATlsError() throws Exception {
		try (RawServer plain = new RawServer((connection, index) -> RawServer.write(connection,
				"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
				Fetcher fetcher = fetcher(trustGood)) {
			Throwable failure = failure(fetcher.fetch(URI.create("https://localhost:" + plain.port() + "/")));

			assertThat(failure).isInstanceOf(FetchException.Tls.class);
		}
	}

}
