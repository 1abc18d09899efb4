package dev.asyncore.probe.exporter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.http.HttpProber;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/** The exporter on a real loop and loopback sockets, probing an in-test origin. */
@Timeout(30)
class BlackboxExporterIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final String MODULES = """
			modules:
			  body_ok:
			    prober: http
			    timeout: 5s
			    http:
			      fail_if_body_not_matches_regexp: ["hello"]
			  body_bad:
			    prober: http
			    http:
			      fail_if_body_matches_regexp: ["hello"]
			  header_ok:
			    prober: http
			    http:
			      fail_if_header_not_matches: [{header: X-Origin, regexp: "^test"}]
			  no_redirects:
			    prober: http
			    http:
			      follow_redirects: false
			      valid_status_codes: [302]
			  gzip:
			    prober: http
			    http:
			      compression: gzip
			      fail_if_body_not_matches_regexp: ["hello"]
			  post:
			    prober: http
			    http:
			      method: POST
			      body: ping
			      headers: {X-Extra: one}
			      bearer_token: t0ken
			      fail_if_body_not_matches_regexp: ["POST ping one Bearer t0ken"]
			  need_ssl:
			    prober: http
			    http:
			      fail_if_not_ssl: true
			""";

	private final CountDownLatch release = new CountDownLatch(1);

	private HttpServer origin;

	private ReactorThread loop;

	private String origin(String path) {
		return "http://127.0.0.1:" + this.origin.getAddress().getPort() + path;
	}

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@BeforeEach
	void start() throws Exception {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		this.origin.createContext("/ok", ex -> reply(ex, 200, "hello world"));
		this.origin.createContext("/missing", ex -> reply(ex, 404, "no"));
		this.origin.createContext("/redirect", ex -> {
			ex.getResponseHeaders().add("Location", "/ok");
			reply(ex, 302, "");
		});
		this.origin.createContext("/slow", ex -> {
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			reply(ex, 200, "late");
		});
		this.origin.createContext("/gzip", ex -> {
			ByteArrayOutputStream zipped = new ByteArrayOutputStream();
			try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
				gz.write("hello compressed".getBytes(StandardCharsets.UTF_8));
			}
			boolean asked = String.valueOf(ex.getRequestHeaders().getFirst("Accept-Encoding")).contains("gzip");
			byte[] body = asked ? zipped.toByteArray() : "plain".getBytes(StandardCharsets.UTF_8);
			if (asked) {
				ex.getResponseHeaders().add("Content-Encoding", "gzip");
			}
			ex.sendResponseHeaders(200, body.length);
			ex.getResponseBody().write(body);
			ex.close();
		});
		this.origin.createContext("/echo", ex -> reply(ex, 200, ex.getRequestMethod() + " "
				+ new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " "
				+ ex.getRequestHeaders().getFirst("X-Extra") + " " + ex.getRequestHeaders().getFirst("Authorization")));
		this.origin.setExecutor(Executors.newCachedThreadPool());
		this.origin.start();
		this.loop = new ReactorThread("exporter-it");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.release.countDown();
		this.loop.close();
		this.origin.stop(0);
	}

	private static void reply(HttpExchange ex, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		ex.getResponseHeaders().add("X-Origin", "test-origin");
		ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		if (bytes.length > 0) {
			ex.getResponseBody().write(bytes);
		}
		ex.close();
	}

	private int exporter(FetchPolicy policy, int maxInFlight) throws Exception {
		ModuleFile modules = ModuleFile.parse(MODULES, null, KINDS);
		return this.loop.call(() -> {
			Fetcher fetcher = Fetcher.builder(this.loop.reactor()).policy(policy).build();
			HttpProber prober = new HttpProber(fetcher, policy, InetAddress::getAllByName,
					new ProbeMemory(ProbeMemory.defaultMax()));
			BlackboxExporter exporter = new BlackboxExporter(() -> modules, r -> name -> name.equals("http") ? prober : null,
					() -> CompletableFuture.completedFuture(null), maxInFlight, Duration.ofMillis(500));
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox"),
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, exporter));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	private int exporter() throws Exception {
		return exporter(FetchPolicy.builder().allowPrivateNetworks(true).build(), 64);
	}

	private HttpResponse<String> get(int port, String query, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + query));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> probe(int port, String module, String path) throws Exception {
		return get(port, "/probe?module=" + module + "&target=" + URLEncoder.encode(origin(path), StandardCharsets.UTF_8));
	}

	private static String metric(HttpResponse<String> response, String name) {
		return response.body().lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
			.findFirst().orElse(null);
	}

	@Test
	void aGoodTargetGivesBlackboxExportersMetrics() throws Exception {
		int port = exporter();
		HttpResponse<String> response = probe(port, "http_2xx", "/ok");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
		assertThat(metric(response, "probe_success")).isEqualTo("1");
		assertThat(metric(response, "probe_http_status_code")).isEqualTo("200");
		assertThat(metric(response, "probe_http_content_length")).isEqualTo("11");
		assertThat(metric(response, "probe_http_version")).isEqualTo("1.1");
		assertThat(metric(response, "probe_ip_protocol")).isEqualTo("4");
		assertThat(metric(response, "probe_ip_addr_hash")).isEqualTo("3.668918509e+09");
		assertThat(response.body()).contains("probe_http_duration_seconds{phase=\"connect\"}",
				"probe_http_duration_seconds{phase=\"processing\"}", "probe_http_duration_seconds{phase=\"transfer\"}",
				"probe_dns_lookup_time_seconds", "probe_duration_seconds", "probe_failed_due_to_regex 0");
	}

	@Test
	void statusRegexHeaderRedirectCompressionAndMethodOptionsDecideSuccess() throws Exception {
		int port = exporter();
		assertThat(metric(probe(port, "http_2xx", "/missing"), "probe_http_status_code")).isEqualTo("404");
		assertThat(metric(probe(port, "http_2xx", "/missing"), "probe_success")).isEqualTo("0");
		assertThat(metric(probe(port, "body_ok", "/ok"), "probe_success")).isEqualTo("1");
		HttpResponse<String> bad = probe(port, "body_bad", "/ok");
		assertThat(metric(bad, "probe_success")).isEqualTo("0");
		assertThat(metric(bad, "probe_failed_due_to_regex")).isEqualTo("1");
		assertThat(metric(probe(port, "header_ok", "/ok"), "probe_success")).isEqualTo("1");
		HttpResponse<String> followed = probe(port, "http_2xx", "/redirect");
		assertThat(metric(followed, "probe_success")).isEqualTo("1");
		assertThat(metric(followed, "probe_http_redirects")).isEqualTo("1");
		HttpResponse<String> notFollowed = probe(port, "no_redirects", "/redirect");
		assertThat(metric(notFollowed, "probe_http_status_code")).isEqualTo("302");
		assertThat(metric(notFollowed, "probe_success")).isEqualTo("1");
		HttpResponse<String> gzip = probe(port, "gzip", "/gzip");
		assertThat(metric(gzip, "probe_success")).isEqualTo("1");
		assertThat(metric(gzip, "probe_http_uncompressed_body_length")).isEqualTo("16");
		assertThat(metric(probe(port, "post", "/echo"), "probe_success")).isEqualTo("1");
		assertThat(metric(probe(port, "need_ssl", "/ok"), "probe_success")).isEqualTo("0");
	}

	@Test
	void badQueriesAreClearErrors() throws Exception {
		int port = exporter();
		HttpResponse<String> noTarget = get(port, "/probe?module=http_2xx");
		assertThat(noTarget.statusCode()).isEqualTo(400);
		assertThat(noTarget.body()).isEqualTo("Target parameter is missing\n");
		HttpResponse<String> unknown = get(port, "/probe?target=x&module=nope");
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).isEqualTo("Unknown module \"nope\"\n");
		assertThat(get(port, "/nowhere").statusCode()).isEqualTo(404);
		HttpResponse<String> post = this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe?target=x"))
			.POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
		assertThat(get(port, "/probe?target=x", "X-Prometheus-Scrape-Timeout-Seconds", "soon").statusCode()).isEqualTo(400);
		assertThat(raw(port, "GET /probe HTTP/1.1\r\nX-Big: " + "a".repeat(ExporterConnection.MAX_HEAD) + "\r\n\r\n"))
			.startsWith("HTTP/1.1 431 ");
		assertThat(raw(port, "NOT A REQUEST\r\n\r\n")).startsWith("HTTP/1.1 400 ");
		assertThat(raw(port, "GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505 ");
	}

	@Test
	void keepAliveServesSeveralRequestsOnOneConnectionInOrder() throws Exception {
		int port = exporter();
		String target = URLEncoder.encode(origin("/ok"), StandardCharsets.UTF_8);
		String answers = raw(port, "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\nGET /probe?target=" + target
				+ " HTTP/1.1\r\nHost: x\r\n\r\nGET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n");
		assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(4);
		assertThat(answers.indexOf("probe_success 1")).isBetween(answers.indexOf("Healthy"), answers.lastIndexOf("Healthy"));
	}

	@Test
	void aBadRequestAfterAPipelinedProbeIsAnsweredAfterIt() throws Exception {
		int port = exporter();
		String target = URLEncoder.encode(origin("/ok"), StandardCharsets.UTF_8);
		String answers = raw(port, "GET /probe?target=" + target + " HTTP/1.1\r\nHost: x\r\n\r\nBAD\r\n\r\n");
		assertThat(answers).startsWith("HTTP/1.1 200 OK");
		assertThat(answers.indexOf("HTTP/1.1 400 ")).isGreaterThan(answers.indexOf("probe_success 1"));
	}

	@Test
	void theScrapeTimeoutLessTheOffsetBoundsTheProbe() throws Exception {
		int port = exporter();
		long start = System.nanoTime();
		HttpResponse<String> response = get(port, "/probe?target=" + URLEncoder.encode(origin("/slow"), StandardCharsets.UTF_8),
				"X-Prometheus-Scrape-Timeout-Seconds", "1.5");
		long millis = (System.nanoTime() - start) / 1_000_000;
		assertThat(metric(response, "probe_success")).isEqualTo("0");
		assertThat(millis).isBetween(900L, 4000L);
	}

	@Test
	void probesBeyondTheBoundGet503() throws Exception {
		int port = exporter(FetchPolicy.builder().allowPrivateNetworks(true).build(), 1);
		var slow = this.client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe?target="
				+ URLEncoder.encode(origin("/slow"), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> get(port, "/probe?target=x").statusCode() == 503);
		this.release.countDown();
		assertThat(metric(slow.get(10, TimeUnit.SECONDS), "probe_success")).isEqualTo("1");
	}

	@Test
	void aTargetThePolicyRefusesIsAFailedProbeWithTheReasonInDebug() throws Exception {
		int port = exporter(FetchPolicy.defaults(), 8);
		HttpResponse<String> response = get(port, "/probe?debug=true&target=" + URLEncoder.encode(origin("/ok"), StandardCharsets.UTF_8));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("Logs for the probe:\n")
			.contains("Refusing to fetch 127.0.0.1", "Metrics that would have been returned:", "probe_success 0",
					"Module configuration:\nprober: http");
	}

	private static String raw(int port, String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		catch (SocketException ex) {
			return "reset: " + ex.getMessage();
		}
	}

}
