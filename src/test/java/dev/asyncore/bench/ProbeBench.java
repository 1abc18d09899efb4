package dev.asyncore.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /probe} throughput and CPU per probe of our exporter (the service jar, a separate process)
 * and the real blackbox_exporter, driven by the same load client ({@link Scrapers}): first
 * saturated, {@link #CONNECTIONS} keep-alive connections each asking for one probe after the
 * other, then paced at {@link #PACED_PER_SECOND} probes a second, as scrapes arrive. Two
 * scenarios against the same nginx: {@code http_2xx} of a 1 KiB page and {@code tcp_connect} of
 * its port; every probe opens a fresh connection to nginx. CPU is the exporter process's (from
 * /proc), divided by probes done.
 */
final class ProbeBench {

	static final Path BLACKBOX_EXPORTER = Path.of("/usr/bin/prometheus-blackbox-exporter");

	static final int CONNECTIONS = Scrapers.CONNECTIONS;

	/** The fixed rate of the paced runs: well inside what both exporters sustain on two cores. */
	static final int PACED_PER_SECOND = 1000;

	static final Duration PACED_FOR = Duration.ofSeconds(10);

	/** What the scrapers ask for: a module and its target. */
	record Scenario(String module, String target) {
	}

	/** One measured load: {@code paced} at {@link #PACED_PER_SECOND}, else as fast as the exporter answers. */
	record Result(String name, String module, boolean paced, Scrapers.Load load, long cpuNanos) {

		double perSecond() {
			return this.load.perSecond();
		}

		double cpuMicrosPerProbe() {
			return this.cpuNanos / 1e3 / this.load.probes();
		}

		long failures() {
			return this.load.failures();
		}

	}

	static boolean available() {
		return Files.isExecutable(BLACKBOX_EXPORTER) && NginxOrigin.available() && jar() != null;
	}

	static Path jar() {
		try (var files = Files.list(Path.of("target"))) {
			return files.filter(p -> p.getFileName().toString().matches("asyncore-service-.*\\.jar")).findFirst().orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Both scenarios, saturated then paced, on ours, then the same on blackbox_exporter: pair {@code i} with {@code size / 2 + i}. */
	static List<Result> run(NginxOrigin origin, int warmup, int probes) throws Exception {
		Path dir = Files.createTempDirectory("asyncore-bench-probe");
		Path modules = dir.resolve("blackbox.yml");
		Files.writeString(modules, "modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n"
				+ "  tcp_connect:\n    prober: tcp\n    timeout: 5s\n    tcp:\n      preferred_ip_protocol: ip4\n");
		List<Scenario> scenarios = List.of(new Scenario("http_2xx", origin.uri("small.bin").toString()),
				new Scenario("tcp_connect", origin.uri("").getAuthority()));
		List<Result> results = new ArrayList<>();
		int ours = freePort();
		results.addAll(measure("asyncore", ours, dir, scenarios, warmup, probes, List.of("java", "-Xms256m", "-Xmx256m", "-XX:+UseParallelGC",
				"-jar", jar().toAbsolutePath().toString(), "--server.port=0", "--server.address=127.0.0.1",
				"--asyncore.listeners[0].name=blackbox", "--asyncore.listeners[0].type=blackbox",
				"--asyncore.listeners[0].port=" + ours, "--asyncore.blackbox.config-file=" + modules,
				"--logging.level.root=WARN")));
		int theirs = freePort();
		results.addAll(measure("blackbox_exporter", theirs, dir, scenarios, warmup, probes, List.of(BLACKBOX_EXPORTER.toString(),
				"--config.file=" + modules, "--web.listen-address=127.0.0.1:" + theirs, "--log.level=warn")));
		return results;
	}

	/** @param dir the working directory: not the repository's, whose config/application.yml is the container's */
	private static List<Result> measure(String name, int port, Path dir, List<Scenario> scenarios, int warmup,
			int probes, List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
			.redirectOutput(Files.createTempFile("probe-bench-" + name, ".log").toFile())
			.start();
		try {
			awaitHealthy(port);
			List<Result> results = new ArrayList<>();
			for (Scenario scenario : scenarios) {
				byte[] request = request(scenario);
				Scrapers.saturate(port, request, warmup); // JIT for ours, connection set-up for both
				Scrapers.saturate(port, request, warmup);
				long cpu = NginxOrigin.cpuNanos(process.toHandle());
				Scrapers.Load load = Scrapers.saturate(port, request, probes);
				results.add(print(new Result(name, scenario.module(), false, load, NginxOrigin.cpuNanos(process.toHandle()) - cpu)));
				cpu = NginxOrigin.cpuNanos(process.toHandle());
				load = Scrapers.paced(port, request, CONNECTIONS / 2, PACED_PER_SECOND, PACED_FOR);
				results.add(print(new Result(name, scenario.module(), true, load, NginxOrigin.cpuNanos(process.toHandle()) - cpu)));
			}
			return results;
		}
		finally {
			process.destroy();
			process.waitFor();
		}
	}

	/** The table's rows for one scenario: saturated throughput and CPU, the load client's share, the paced CPU. */
	static List<BenchmarkRunner.Row> rows(String scenario, Result ours, Result peer) {
		if (ours.paced()) {
			return List.of(new BenchmarkRunner.Row(scenario, "exporter CPU per probe at " + PACED_PER_SECOND + " probes/s",
					ours.cpuMicrosPerProbe(), peer.cpuMicrosPerProbe(), "blackbox_exporter", true, "us"));
		}
		return List.of(
				new BenchmarkRunner.Row(scenario, "probes per second", ours.perSecond(), peer.perSecond(), "blackbox_exporter",
						false, "1/s"),
				new BenchmarkRunner.Row(scenario, "exporter CPU per probe", ours.cpuMicrosPerProbe(), peer.cpuMicrosPerProbe(),
						"blackbox_exporter", true, "us"),
				new BenchmarkRunner.Row(scenario, "load client CPU per probe", ours.load().clientMicrosPerProbe(),
						peer.load().clientMicrosPerProbe(), "blackbox_exporter", true, "us"));
	}

	static Result print(Result result) {
		System.out.printf(Locale.ROOT, "probe %-12s %-18s %-9s %8.0f probes/s %8.1f us CPU/probe, %d failed, load client at %.0f %% of a core%n",
				result.module(), result.name(), result.paced() ? "paced" : "saturated", result.perSecond(),
				result.cpuMicrosPerProbe(), result.failures(), result.load().clientCorePercent());
		return result;
	}

	static byte[] request(Scenario scenario) {
		return ("GET /probe?module=" + scenario.module() + "&target=" + scenario.target()
				+ " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static void awaitHealthy(int port) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				socket.getOutputStream().write("GET /-/healthy HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
				if (new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).contains(" 200 ")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(100); // polling another process's start; there is nothing to latch on
		}
		throw new IllegalStateException("exporter on port " + port + " not healthy within 120 s");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
