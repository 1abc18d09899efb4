package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.SecretModules;
import dev.asyncore.probe.probers.ProberContext;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator pages of a real exporter on a loopback port: the landing page with the recent
 * probes, {@code /logs} by id and by target, the history's bounds, {@code /config} with secrets
 * masked, and the log line of a failed probe.
 */
@Timeout(30)
class OperatorPagesIT {

	private static final String MODULES = """
			modules:
			  web:
			    prober: http
			    timeout: 5s
			    http:
			      bearer_token: tok-secret-1
			  port:
			    prober: tcp
			    timeout: 5s
			  socket:
			    prober: http
			    http: {enable_http3: true}
			""";

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final ExecutorService lookups = Executors.newFixedThreadPool(2);

	private final AtomicInteger flips = new AtomicInteger();

	private HttpServer origin;

	private ReactorThread loop;

	/** A loopback port where nothing listens: a tcp probe of it fails at once. */
	private int closedPort;

	@TempDir
	Path dir;

	@BeforeEach
	void start() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.origin.createContext("/ok", (ex) -> {
			ex.sendResponseHeaders(200, -1);
			ex.close();
		});
		// 200 the first time, 503 afterwards: tells the newest run of one target from the older
		this.origin.createContext("/flip", (ex) -> {
			ex.sendResponseHeaders((this.flips.getAndIncrement() == 0) ? 200 : 503, -1);
			ex.close();
		});
		this.origin.start();
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.closedPort = free.getLocalPort();
		}
		this.loop = new ReactorThread("operator-pages-it");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.origin.stop(0);
		this.lookups.shutdownNow();
	}

	private int exporter(ModuleFile modules, OperatorPages pages) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		BlackboxExporter exporter = new BlackboxExporter(() -> modules,
				(reactor) -> Probers.standard()
					.forLoop(new ProberContext(reactor, Fetcher.builder(reactor).policy(policy).build(), policy,
							InetAddress::getAllByName, this.lookups, new ProbeMemory(ProbeMemory.defaultMax()))),
				() -> CompletableFuture.completedFuture(null), 64, Duration.ofMillis(500), ExporterAccess.OPEN, pages);
		return this.loop.call(() -> {
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox"),
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, exporter));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	private int exporter(int historyLimit) throws Exception {
		return exporter(ModuleFile.parse(MODULES, null, Probers.standard().kinds()),
				new OperatorPages(historyLimit, Level.WARN));
	}

	private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private String probe(int port, String module, String target) throws Exception {
		HttpResponse<String> answer = get(port,
				"/probe?module=" + module + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
		assertThat(answer.statusCode()).isEqualTo(200);
		return answer.body();
	}

	private String web(String path) {
		return "http://127.0.0.1:" + this.origin.getAddress().getPort() + path;
	}

	private String closed() {
		return "127.0.0.1:" + this.closedPort;
	}

	@Test
	void theLandingPageLinksThePagesListsTheModulesAndTheRecentProbesNewestFirst() throws Exception {
		int port = exporter(100);
		assertThat(probe(port, "web", web("/ok"))).contains("\nprobe_success 1\n");
		assertThat(probe(port, "port", closed())).contains("\nprobe_success 0\n");

		HttpResponse<String> page = get(port, "/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
		assertThat(page.body()).contains("<title>Blackbox Exporter</title>", "href=\"probe?target=", "href=\"metrics\"",
				"href=\"config\"", "href=\"-/healthy\"", "<li>web (http)</li>", "<li>port (tcp)</li>",
				"<li>http_2xx (http)</li>",
				"<li>socket (http): <strong>not probed</strong>, blackbox_exporter option modules.socket.http.enable_http3");
		String failure = "<tr><td>port</td><td>" + closed() + "</td><td><strong>Failure</strong></td>";
		String success = "<tr><td>web</td><td>" + web("/ok") + "</td><td>Success</td>";
		assertThat(page.body()).contains(failure, success, "<a href='logs?id=1'>Logs</a>", "<a href='logs?id=0'>Logs</a>");
		assertThat(page.body().indexOf(failure)).as("newest first").isLessThan(page.body().indexOf(success));
	}

	@Test
	void aTargetIsShownAsTextNeverAsMarkup() throws Exception {
		int port = exporter(100);
		String hostile = "<script>alert('x')</script>\"&";
		probe(port, "web", hostile);
		String page = get(port, "/").body();
		assertThat(page).contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34;&amp;</td>")
			.doesNotContain("<script>");
	}

	@Test
	void logsGivesARunsDebugOutputByIdOrTheNewestByTargetWithSecretsMasked() throws Exception {
		int port = exporter(100);
		probe(port, "web", web("/flip"));
		probe(port, "port", closed());
		probe(port, "web", web("/flip"));

		HttpResponse<String> first = get(port, "/logs?id=0");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
		assertThat(first.body()).startsWith("Logs for the probe:\n")
			.contains("module=web", "msg=\"Probe succeeded\"", "Metrics that would have been returned:",
					"\nprobe_success 1\n", "Module configuration:", "bearer_token: <secret>")
			.doesNotContain("tok-secret-1");
		assertThat(get(port, "/logs?id=1").body()).contains("module=port", "msg=\"Probe failed\"", "\nprobe_success 0\n");

		String newest = get(port, "/logs?target=" + URLEncoder.encode(web("/flip"), StandardCharsets.UTF_8) + "&module=web")
			.body();
		assertThat(newest).as("the newest run of the pair").contains("\nprobe_success 0\n", "probe_http_status_code 503");
		assertThat(get(port, "/logs?target=" + closed()).body()).contains("module=port");

		HttpResponse<String> unknown = get(port, "/logs?id=99");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).startsWith("Probe id not found");
		HttpResponse<String> nowhere = get(port, "/logs?target=nowhere&module=web");
		assertThat(nowhere.statusCode()).isEqualTo(404);
		assertThat(nowhere.body()).startsWith("Probe target not found");
		assertThat(get(port, "/logs").statusCode()).isEqualTo(400);
		assertThat(get(port, "/logs?id=0&target=x").statusCode()).isEqualTo(400);
		assertThat(get(port, "/logs?module=web").statusCode()).isEqualTo(400);
	}

	@Test
	void failedProbesOutliveTheLimitInARingOfTheirOwnAlsoBounded() throws Exception {
		int port = exporter(2);
		probe(port, "port", closed()); // 0: failure
		for (int i = 1; i <= 3; i++) {
			probe(port, "web", web("/ok")); // 1..3: successes push 0 out of the recent ones
		}
		String page = get(port, "/").body();
		assertThat(page).contains("logs?id=3", "logs?id=2", "logs?id=0").doesNotContain("logs?id=1'");
		assertThat(get(port, "/logs?id=0").statusCode()).as("the failure is kept longer").isEqualTo(200);
		assertThat(get(port, "/logs?id=1").statusCode()).as("the success is gone").isEqualTo(404);

		probe(port, "port", closed()); // 4
		probe(port, "port", closed()); // 5
		probe(port, "web", web("/ok")); // 6: 4 moves to the failures
		probe(port, "web", web("/ok")); // 7: 5 moves to the failures, and 0 leaves them
		page = get(port, "/").body();
		assertThat(page).contains("logs?id=7", "logs?id=6", "logs?id=5", "logs?id=4").doesNotContain("logs?id=0'");
		assertThat(page.split("<tr><td>", -1)).as("two recent runs and two failures").hasSize(5);
		assertThat(get(port, "/logs?id=0").statusCode()).isEqualTo(404);
	}

	@Test
	void aFailedProbeLogsOneLineAtTheProberLevelNamingModuleTargetAndReason() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(OperatorPages.PROBER_LOGGER);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		try {
			int port = exporter(100);
			probe(port, "web", web("/ok"));
			assertThat(lines.list).as("a success logs nothing").isEmpty();
			probe(port, "port", closed());
			assertThat(lines.list).hasSize(1);
			ILoggingEvent line = lines.list.get(0);
			assertThat(line.getLevel()).hasToString("WARN");
			assertThat(line.getFormattedMessage()).startsWith("Probe failed: module=port target=" + closed() + " ")
				.containsIgnoringCase("reason: Error dialing TCP")
				.containsIgnoringCase("refused");
		}
		finally {
			logger.detachAppender(lines);
		}
	}

	@Test
	void configShowsTheLoadedModulesWithEverySecretMasked() throws Exception {
		ModuleFile modules = ModuleFile.read(SecretModules.write(this.dir), Probers.standard().kinds());
		int port = exporter(modules, new OperatorPages(100, Level.DEBUG));
		HttpResponse<String> config = get(port, "/config");
		assertThat(config.statusCode()).isEqualTo(200);
		assertThat(config.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
		assertThat(config.body()).startsWith("modules:\n")
			.contains("  basic:\n", "username: alice", "password: <secret>", "bearer_token: <secret>")
			.contains(SecretModules.MODULES.stream().map((name) -> "  " + name + ":\n").toList());
		assertThat(List.of(config.body())).noneMatch((text) -> SecretModules.VALUES.stream().anyMatch(text::contains));
	}

}
