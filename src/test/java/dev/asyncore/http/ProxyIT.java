package dev.asyncore.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.H2TestServer;
import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.testsupport.TestProxy;
import dev.asyncore.tls.TlsServerContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Fetches through an HTTP proxy: absolute form for http, CONNECT and TLS inside for https, every peer checked. */
@Timeout(30)
class ProxyIT {

	@TempDir
	static Path dir;

	static HttpServer plain;

	static HttpsServer secure;

	static SSLContext trust;

	static Path store;

	private final ReactorThread loop = new ReactorThread("proxy-it");

	private TestProxy proxy;

	private final Resolver localhost = host -> new InetAddress[] {
			InetAddress.getByAddress(host, new byte[] { 127, 0, 0, 1 }) };

	@BeforeAll
	static void servers() throws Exception {
		store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		trust = TestCertificates.trusting(store);
		plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		plain.createContext("/hello", exchange -> send(exchange, "plain " + exchange.getRequestHeaders().getFirst("Host")));
		plain.start();
		secure = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		secure.setHttpsConfigurator(
				new HttpsConfigurator(TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		secure.createContext("/hello", exchange -> send(exchange, "secure"));
		secure.start();
	}

	private static void send(HttpExchange exchange, String text) throws IOException {
		byte[] body = text.getBytes(StandardCharsets.US_ASCII);
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@AfterAll
	static void stopServers() {
		plain.stop(0);
		secure.stop(0);
	}

	@BeforeEach
	void startProxy() throws IOException {
		this.proxy = new TestProxy();
	}

	@AfterEach
	void stop() throws Exception {
		this.loop.close();
		this.proxy.close();
	}

	private Fetcher fetcher(FetchPolicy policy, Resolver resolver) {
		return Fetcher.builder(this.loop.reactor()).policy(policy).sslContext(trust).resolver(resolver).build();
	}

	private Fetcher fetcher() {
		return fetcher(FetchPolicy.builder().allowPrivateNetworks(true).build(), this.localhost);
	}

	private static FetchOptions via(HttpProxy proxy) {
		return FetchOptions.get().request(RequestOptions.NONE.proxy(proxy));
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
	void anHttpTargetGoesToTheProxyInAbsoluteFormNamingTheCheckedAddress() throws Exception {
		int port = plain.getAddress().getPort();
		try (Fetcher fetcher = fetcher()) {
			FetchResult result = fetcher.fetch(URI.create("http://localhost:" + port + "/hello?x=1"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), true))).get(20, TimeUnit.SECONDS);

			assertThat(result.status()).isEqualTo(200);
			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("plain localhost:" + port);
			assertThat(this.proxy.heads()).singleElement()
				.satisfies(head -> assertThat(head).startsWith("GET http://127.0.0.1:" + port + "/hello?x=1 HTTP/1.1\r\n")
					.contains("\r\nHost: localhost:" + port));
			assertThat(result.remoteAddress().getPort()).isEqualTo(this.proxy.port());
		}
	}

	@Test
	void anHttpsTargetGoesThroughConnectWithItsHeadersAndTlsToTheTargetInside() throws Exception {
		int port = secure.getAddress().getPort();
		HttpProxy proxy = HttpProxy.of(URI.create("http://user:pa%3Ass@127.0.0.1:" + this.proxy.port()), "",
				List.of(Map.entry("X-Proxy-Token", "s3cret")), true);
		try (Fetcher fetcher = fetcher()) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + port + "/hello"), via(proxy))
				.get(20, TimeUnit.SECONDS);

			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("secure");
			assertThat(result.certificateNotAfter()).isNotNull();
			assertThat(result.timings().tls()).isPositive();
			assertThat(this.proxy.heads()).singleElement()
				.satisfies(head -> assertThat(head).startsWith("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n")
					.contains("\r\nHost: 127.0.0.1:" + port, "\r\nX-Proxy-Token: s3cret",
							"\r\nProxy-Authorization: Basic dXNlcjpwYTpzcw=="));
		}
	}

	@Test
	void withTheResolvePhaseSkippedTheProxyIsGivenTheNameAndNothingIsLookedUp() throws Exception {
		int port = plain.getAddress().getPort();
		Resolver none = host -> {
			throw new UnknownHostException("no look-up expected for " + host);
		};
		try (Fetcher fetcher = fetcher(FetchPolicy.builder().allowPrivateNetworks(true).build(), none)) {
			FetchResult result = fetcher.fetch(URI.create("http://target.example:" + port + "/hello"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), false))).get(20, TimeUnit.SECONDS);

			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("plain target.example:" + port);
			assertThat(this.proxy.heads().get(0)).startsWith("GET http://target.example:" + port + "/hello HTTP/1.1");
		}
	}

	@Test
	void aProxyThatRefusesTheConnectFailsTheFetchNamingItAndTheStatus() throws Exception {
		this.proxy.refuse(407);
		try (Fetcher fetcher = fetcher()) {
			Throwable failure = failure(fetcher.fetch(URI.create("https://localhost:" + secure.getAddress().getPort() + "/hello"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), true))));

			assertThat(failure).isInstanceOf(FetchException.Connect.class)
				.hasMessageContaining("Proxy 127.0.0.1:" + this.proxy.port())
				.hasMessageContaining("refused CONNECT 127.0.0.1:" + secure.getAddress().getPort())
				.hasMessageContaining("407");
		}
	}

	@Test
	void theProxysOwnAddressIsCheckedByThePolicy() throws Exception {
		Resolver publicAddress = host -> new InetAddress[] { InetAddress.getByAddress(host, new byte[] { 8, 8, 8, 8 }) };
		try (Fetcher fetcher = fetcher(FetchPolicy.builder().build(), publicAddress)) {
			Throwable failure = failure(fetcher.fetch(URI.create("http://target.example/"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), true))));

			assertThat(failure).isInstanceOf(FetchException.Refused.class).hasMessageContaining("127.0.0.1")
				.hasMessageContaining("loopback");
			assertThat(this.proxy.heads()).isEmpty();
		}
	}

	@Test
	void theTargetsAddressIsCheckedByThePolicyBeforeTheProxyIsAsked() throws Exception {
		Resolver metadata = host -> new InetAddress[] { InetAddress.getByAddress(host, new byte[] { (byte) 169, (byte) 254, (byte) 169, (byte) 254 }) };
		try (Fetcher fetcher = fetcher(FetchPolicy.builder().allowPrivateNetworks(true).build(), metadata)) {
			Throwable failure = failure(fetcher.fetch(URI.create("http://metadata.example/"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), true))));

			assertThat(failure).isInstanceOf(FetchException.Refused.class).hasMessageContaining("169.254.169.254");
			assertThat(this.proxy.heads()).isEmpty();
		}
	}

	@Test
	void withANoProxyListLoopbackGoesDirectAsInGoWithoutOneEverythingIsProxied() throws Exception {
		int port = plain.getAddress().getPort();
		URI target = URI.create("http://127.0.0.1:" + port + "/hello");
		try (Fetcher fetcher = fetcher()) {
			fetcher.fetch(target, via(HttpProxy.of(this.proxy.url(), "example.org", List.of(), true))).get(20, TimeUnit.SECONDS);
			assertThat(this.proxy.heads()).isEmpty();

			fetcher.fetch(target, via(HttpProxy.of(this.proxy.url(), "", List.of(), true))).get(20, TimeUnit.SECONDS);
			assertThat(this.proxy.heads()).hasSize(1);
		}
	}

	@Test
	void http2IsNegotiatedByAlpnInsideTheTunnel() throws Exception {
		try (H2TestServer server = new H2TestServer(store); Fetcher fetcher = fetcher()) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + server.h2Port() + "/hello"),
					via(HttpProxy.of(this.proxy.url(), "", List.of(), true))).get(20, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/2.0");
			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("hello over HTTP/2.0");
			assertThat(this.proxy.heads().get(0)).startsWith("CONNECT 127.0.0.1:" + server.h2Port());
		}
	}

}
