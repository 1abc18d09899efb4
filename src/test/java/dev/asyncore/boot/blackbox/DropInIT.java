package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar started as blackbox_exporter is started (issue 26): {@code --config.file} with Debian's
 * stock module file and {@code --web.listen-address}, then probes, {@code /metrics}, SIGHUP with a
 * changed and then a broken file, and {@code --config.check}. A separate JVM from the built jar,
 * run in an empty directory on loopback ports chosen by the kernel.
 */
@Timeout(240)
class DropInIT {

	private static final Pattern BOUND = Pattern.compile("Listener 'blackbox' \\(blackbox tcp\\) bound to 127\\.0\\.0\\.1:(\\d+)");

	@TempDir
	Path dir;

	private final List<String> hostsSeen = new CopyOnWriteArrayList<>();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private HttpServer origin;

	private Process service;

	@BeforeEach
	void origin() throws IOException {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.origin.createContext("/", (ex) -> {
			this.hostsSeen.add(ex.getRequestHeaders().getFirst("Host"));
			ex.sendResponseHeaders(200, -1);
			ex.close();
		});
		this.origin.setExecutor(Executors.newCachedThreadPool());
		this.origin.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.service != null && this.service.isAlive()) {
			this.service.destroy();
			if (!this.service.waitFor(30, TimeUnit.SECONDS)) {
				this.service.destroyForcibly();
			}
		}
		this.origin.stop(0);
	}

	private static Path jar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter((p) -> p.getFileName().toString().matches("asyncore-service-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("run the package phase first: no jar in target/"))
				.toAbsolutePath();
		}
	}

	private ProcessBuilder java(String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-jar");
		command.add(jar().toString());
		command.addAll(List.of(args));
		// an empty work directory: no config/application.yml of the repository is read
		return new ProcessBuilder(command).directory(this.dir.toFile()).redirectErrorStream(true);
	}

	private String probeTarget() {
		return URLEncoder.encode("http://127.0.0.1:" + this.origin.getAddress().getPort() + "/", StandardCharsets.UTF_8);
	}

	private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void hangUp() throws Exception {
		Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(this.service.pid())).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	private static String debian() throws IOException {
		try (InputStream in = DropInIT.class.getResourceAsStream("/dev/asyncore/probe/config/debian-blackbox.yml")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void startedAsBlackboxExporterWithDebiansFileItProbesServesMetricsAndReloadsOnSighup() throws Exception {
		Files.writeString(this.dir.resolve("blackbox.yml"), debian());
		// the echo listener of the jar's defaults on a kernel-chosen port, so that nothing here needs a fixed one
		Files.writeString(this.dir.resolve("ports.yml"), """
				asyncore:
				  listeners:
				    - {name: echo, type: echo, host: 127.0.0.1, port: 0}
				""");
		Path log = this.dir.resolve("service.log");
		this.service = java("--config.file", "blackbox.yml", "--web.listen-address=127.0.0.1:0", "--server.port=0",
				"--spring.config.additional-location=file:" + this.dir.resolve("ports.yml"))
			.redirectOutput(log.toFile())
			.start();
		Matcher bound = BOUND.matcher("");
		Awaitility.await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200)).until(() -> {
			assertThat(this.service.isAlive()).as(() -> read(log)).isTrue();
			bound.reset(read(log));
			return bound.find();
		});
		int port = Integer.parseInt(bound.group(1));
		assertThat(read(log)).containsPattern("Loaded \\d+ modules from .*blackbox\\.yml")
			.doesNotContain("Module grpc: prober grpc", "Module icmp_ttl5: prober icmp"); // both are probers of the table

		assertThat(get(port, "/probe?module=http_2xx&hostname=vhost.example&target=" + probeTarget()).body())
			.contains("probe_success 1");
		assertThat(this.hostsSeen).containsExactly("vhost.example");
		assertThat(get(port, "/probe?module=grpc&debug=true&target=127.0.0.1:1").body())
			.contains("probe_success 0", "probe_grpc_status_code").doesNotContain("does not implement");
		assertThat(get(port, "/probe?module=nope&target=127.0.0.1").statusCode()).isEqualTo(400);
		String metrics = get(port, "/metrics").body();
		assertThat(metrics).contains("blackbox_exporter_config_last_reload_successful 1\n",
				"blackbox_exporter_config_last_reload_success_timestamp_seconds ", "blackbox_module_unknown_total 1\n",
				"blackbox_exporter_build_info{", "process_cpu_seconds_total ", "jvm_memory_used_bytes{");

		// SIGHUP with a changed file: the new module is there, the service still runs
		Files.writeString(this.dir.resolve("blackbox.yml"), debian() + "\n  added:\n    prober: tcp\n");
		hangUp();
		String origin = "127.0.0.1:" + this.origin.getAddress().getPort();
		Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
			.until(() -> get(port, "/probe?module=added&target=" + origin).statusCode() == 200);
		assertThat(get(port, "/probe?module=added&target=" + origin).body()).contains("probe_success 1");

		// SIGHUP with a broken file: the modules stay, the reload metric says 0, the service still runs
		Files.writeString(this.dir.resolve("blackbox.yml"), "modules:\n  bad:\n    prober: http\n    http:\n      methd: GET\n");
		hangUp();
		Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
			.until(() -> get(port, "/metrics").body().contains("blackbox_exporter_config_last_reload_successful 0\n"));
		assertThat(this.service.isAlive()).isTrue();
		assertThat(get(port, "/probe?module=added&target=" + origin).body()).contains("probe_success 1");
		assertThat(read(log)).contains("modules.bad.http.methd: unknown key");
	}

	@Test
	void configCheckSaysOkForDebiansFileAndNamesTheKeyOfABrokenOneWithoutStartingTheService() throws Exception {
		Files.writeString(this.dir.resolve("blackbox.yml"), debian());
		Files.writeString(this.dir.resolve("broken.yml"), "modules:\n  web:\n    prober: http\n    timout: 5s\n");
		Process good = java("--config.check", "--config.file", "blackbox.yml").start();
		String goodOut = new String(good.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(good.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(good.exitValue()).as(goodOut).isZero();
		assertThat(goodOut).contains("Config file is ok").doesNotContain("bound to", "Started");
		Process bad = java("--config.file=broken.yml", "--config.check").start();
		String badOut = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(bad.exitValue()).as(badOut).isEqualTo(1);
		assertThat(badOut).contains("modules.web.timout: unknown key").doesNotContain("bound to");
	}

	private static String read(Path log) {
		try {
			return Files.readString(log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
