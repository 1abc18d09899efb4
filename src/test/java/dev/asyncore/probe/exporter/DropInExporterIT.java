package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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

/**
 * What a blackbox_exporter user brings that is not {@code /probe} itself (issue 26): modules of
 * probers and options not implemented here fail each probe saying why, files a module names are
 * read when a probe needs them, {@code hostname=}, {@code /metrics} and the route prefix.
 */
@Timeout(30)
class DropInExporterIT {

	/** The table without websocket (implemented now): a prober a table lacks is the not-implemented case. */
	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds().stream()
		.filter(kind -> !kind.name().equals("websocket"))
		.toList();

	private static final String MODULES = """
			modules:
			  socket:
			    prober: websocket
			    websocket: {headers: {X-Probe: "1"}}
			  http3:
			    prober: http
			    http: {enable_http3: true}
			  with_password:
			    prober: http
			    http:
			      basic_auth: {username: u, password_file: pw}
			      fail_if_body_not_matches_regexp: ["Basic dTpzZXNhbWU="]
			  fixed_host:
			    prober: http
			    http:
			      headers: {Host: configured.example}
			""";

	@TempDir
	Path dir;

	private final List<String> hostsSeen = new CopyOnWriteArrayList<>();

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private HttpServer origin;

	private ReactorThread loop;

	@BeforeEach
	void start() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.origin.createContext("/", (ex) -> {
			this.hostsSeen.add(ex.getRequestHeaders().getFirst("Host"));
			byte[] body = String.valueOf(ex.getRequestHeaders().getFirst("Authorization")).getBytes(StandardCharsets.UTF_8);
			ex.sendResponseHeaders(200, body.length);
			ex.getResponseBody().write(body);
			ex.close();
		});
		this.origin.setExecutor(Executors.newCachedThreadPool());
		this.origin.start();
		this.loop = new ReactorThread("drop-in-it");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.origin.stop(0);
	}

	private int exporter(ExporterPages pages) throws Exception {
		ModuleFile modules = ModuleFile.parse(MODULES, this.dir, KINDS);
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		return this.loop.call(() -> {
			Fetcher fetcher = Fetcher.builder(this.loop.reactor()).policy(policy).build();
			HttpProber prober = new HttpProber(fetcher, policy, InetAddress::getAllByName, new ProbeMemory(ProbeMemory.defaultMax()));
			BlackboxExporter exporter = new BlackboxExporter(() -> modules, (r) -> (name) -> name.equals("http") ? prober : null,
					() -> CompletableFuture.completedFuture(null), 16, Duration.ofMillis(500), ExporterAccess.OPEN, pages);
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox"),
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, exporter));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private String target() {
		return URLEncoder.encode("http://127.0.0.1:" + this.origin.getAddress().getPort() + "/", StandardCharsets.UTF_8);
	}

	@Test
	void aProberOrOptionNotImplementedFailsEachProbeWithTheReasonNeverASilentPass() throws Exception {
		int port = exporter(ExporterPages.NONE);
		HttpResponse<String> socket = get(port, "/probe?module=socket&debug=true&target=ws://127.0.0.1/");
		assertThat(socket.statusCode()).isEqualTo(200);
		assertThat(socket.body()).contains("level=error", "prober websocket", "does not implement yet", "probe_success 0");
		assertThat(get(port, "/probe?module=socket&target=ws://127.0.0.1/").body()).contains("probe_success 0");
		HttpResponse<String> http3 = get(port, "/probe?module=http3&debug=true&target=" + target());
		assertThat(http3.body()).contains("modules.http3.http.enable_http3", "not implemented", "probe_success 0");
		assertThat(this.hostsSeen).as("nothing was sent to the target").isEmpty();
	}

	@Test
	void aFileTheModuleNamesIsReadWhenAProbeNeedsItAndItsAbsenceFailsTheProbeNamingIt() throws Exception {
		int port = exporter(ExporterPages.NONE);
		HttpResponse<String> missing = get(port, "/probe?module=with_password&debug=true&target=" + target());
		assertThat(missing.body()).contains("modules.with_password.http.basic_auth.password_file", "cannot read",
				"probe_success 0");
		Files.writeString(this.dir.resolve("pw"), "sesame\n");
		assertThat(get(port, "/probe?module=with_password&target=" + target()).body()).contains("probe_success 1");
	}

	@Test
	void hostnameIsTheHostHeaderTheTargetSeesAndAConflictWithTheModuleIsA400() throws Exception {
		int port = exporter(ExporterPages.NONE);
		assertThat(get(port, "/probe?module=http_2xx&hostname=vhost.example&target=" + target()).body())
			.contains("probe_success 1");
		assertThat(this.hostsSeen).containsExactly("vhost.example");
		HttpResponse<String> conflict = get(port, "/probe?module=fixed_host&hostname=other.example&target=" + target());
		assertThat(conflict.statusCode()).isEqualTo(400);
		assertThat(conflict.body()).isEqualTo("host header defined both in module configuration (configured.example) "
				+ "and with URL-parameter 'hostname' (other.example)\n");
		assertThat(get(port, "/probe?module=fixed_host&hostname=configured.example&target=" + target()).body())
			.contains("probe_success 1");
		assertThat(this.hostsSeen).containsExactly("vhost.example", "configured.example");
	}

	@Test
	void metricsServesTheTextItIsHandedAndEveryPathIsUnderTheRoutePrefix() throws Exception {
		int port = exporter(new ExporterPages("/bb", () -> "# TYPE service_up gauge\nservice_up 1\n"));
		HttpResponse<String> metrics = get(port, "/bb/metrics");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying((v) -> assertThat(v).startsWith("text/plain; version=0.0.4"));
		assertThat(metrics.body()).isEqualTo("# TYPE service_up gauge\nservice_up 1\n");
		assertThat(get(port, "/metrics").statusCode()).isEqualTo(404);
		assertThat(get(port, "/probe?target=" + target()).statusCode()).isEqualTo(404);
		assertThat(get(port, "/bb/probe?target=" + target()).body()).contains("probe_success 1");
		assertThat(get(port, "/bb/-/healthy").body()).isEqualTo("Healthy\n");
		// the landing page is at /bb/, where its relative links stay under the prefix; /bb and / lead there
		for (String elsewhere : new String[] { "/bb", "/" }) {
			HttpResponse<String> redirect = get(port, elsewhere);
			assertThat(redirect.statusCode()).as(elsewhere).isEqualTo(302);
			assertThat(redirect.headers().firstValue("Location")).as(elsewhere).hasValue("/bb/");
		}
		HttpResponse<String> landing = get(port, "/bb/");
		assertThat(landing.statusCode()).isEqualTo(200);
		assertThat(landing.body()).contains("<a href=\"metrics\">");
		assertThat(URI.create("http://127.0.0.1:" + port + "/bb/").resolve("metrics").getPath()).isEqualTo("/bb/metrics");
	}

}
