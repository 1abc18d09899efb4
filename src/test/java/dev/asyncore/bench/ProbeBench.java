package dev.asyncore.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;

import dev.asyncore.probe.grpc.GrpcHealthServer;

/**
 * {@code /probe} throughput and CPU per probe of our exporter (the service jar, a separate process)
 * and the real blackbox_exporter, driven by the same load client ({@link Scrapers}): first
 * saturated, {@link #CONNECTIONS} keep-alive connections each asking for one probe after the
 * other, then paced at {@link #PACED_PER_SECOND} probes a second, as scrapes arrive. Four
 * scenarios: against the same nginx, {@code http_2xx} of a 1 KiB page and {@code tcp_connect} of
 * its port (every probe opens a fresh connection to nginx), {@code icmp} of 127.0.0.1 (the
 * kernel's echo reply; raw sockets when run as root, as both exporters then use them), and
 * {@code grpc}: {@code grpc.health.v1.Health/Check} in clear text (h2c, a fresh connection per
 * probe in both) against grpc-java's health service started in this JVM
 * ({@link GrpcHealthServer#plain}, port 0), which serves both exporters alike. CPU is the exporter
 * process's (from /proc), divided by probes done.
 */
final class ProbeBench {

	static final Path BLACKBOX_EXPORTER = Path.of("/usr/bin/prometheus-blackbox-exporter");

	static final int CONNECTIONS = Scrapers.CONNECTIONS;

	/** The fixed rate of the paced runs: well inside what both exporters sustain on two cores. */
	static final int PACED_PER_SECOND = 1000;

	static final Duration PACED_FOR = Duration.ofSeconds(8);

	static final int ROUNDS = 3;

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

	/**
	 * Every scenario on both exporters, by module: ours saturated, theirs saturated, ours paced,
	 * theirs paced (see {@link #compare}).
	 */
	static Map<String, List<Result>> run(NginxOrigin origin, int warmup, int probes) throws Exception {
		Path dir = Files.createTempDirectory("asyncore-bench-probe");
		Path modules = dir.resolve("blackbox.yml");
		Files.writeString(modules, "modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n"
				+ "  tcp_connect:\n    prober: tcp\n    timeout: 5s\n    tcp:\n      preferred_ip_protocol: ip4\n"
				+ "  icmp:\n    prober: icmp\n    timeout: 5s\n    icmp:\n      preferred_ip_protocol: ip4\n"
				+ "  grpc:\n    prober: grpc\n    timeout: 5s\n    grpc:\n      preferred_ip_protocol: ip4\n");
		Server grpc = GrpcHealthServer.plain(GrpcHealthServer.health());
		try {
			List<Scenario> scenarios = List.of(new Scenario("http_2xx", origin.uri("small.bin").toString()),
					new Scenario("tcp_connect", origin.uri("").getAuthority()), new Scenario("icmp", "127.0.0.1"),
					new Scenario("grpc", "127.0.0.1:" + grpc.getPort()));
			Map<String, List<Result>> results = new LinkedHashMap<>();
			try (Exporter ours = Exporter.ours(dir, modules); Exporter theirs = Exporter.theirs(dir, modules)) {
				for (Scenario scenario : scenarios) {
					results.put(scenario.module(), compare(ours, theirs, scenario, warmup, probes));
				}
			}
			return results;
		}
		finally {
			grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Ours and theirs, both running, alternated so that a slow spell of the shared machine (the same
	 * run can differ 2x between minutes) falls on both: a warm-up each, then {@link #ROUNDS} rounds
	 * of ours saturated, theirs saturated, ours paced, theirs paced. Returns those four, each the
	 * round with the median CPU per probe; every round is printed with its ratio.
	 */
	static List<Result> compare(Exporter ours, Exporter theirs, Scenario scenario, int warmup, int probes)
			throws InterruptedException {
		byte[] request = request(scenario);
		for (Exporter exporter : List.of(ours, theirs)) {
			Scrapers.saturate(exporter.port(), request, warmup); // JIT for ours, connection set-up for both
			Scrapers.saturate(exporter.port(), request, warmup);
		}
		List<List<Result>> rounds = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			List<Result> results = new ArrayList<>();
			for (boolean paced : new boolean[] { false, true }) {
				for (Exporter exporter : List.of(ours, theirs)) {
					long cpu = exporter.cpuNanos();
					Scrapers.Load load = paced ? Scrapers.paced(exporter.port(), request, CONNECTIONS / 2, PACED_PER_SECOND, PACED_FOR)
							: Scrapers.saturate(exporter.port(), request, probes);
					results.add(print(new Result(exporter.name(), scenario.module(), paced, load, exporter.cpuNanos() - cpu)));
				}
				System.out.printf(Locale.ROOT, "probe %-12s round %d %-9s CPU per probe ours/theirs %.3f%n", scenario.module(),
						round + 1, paced ? "paced" : "saturated", results.get(results.size() - 2).cpuMicrosPerProbe()
								/ results.get(results.size() - 1).cpuMicrosPerProbe());
			}
			rounds.add(results);
		}
		List<Result> medians = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			int column = i;
			List<Result> sorted = rounds.stream()
				.map(results -> results.get(column))
				.sorted(java.util.Comparator.comparingDouble(Result::cpuMicrosPerProbe))
				.toList();
			medians.add(sorted.get(sorted.size() / 2));
		}
		return medians;
	}

	/** A running exporter under test, in its own process. */
	record Exporter(String name, int port, Process process) implements AutoCloseable {

		/** Ours, the service jar, with the module file on a {@code type: blackbox} listener. */
		static Exporter ours(Path dir, Path modules) throws Exception {
			int port = freePort();
			return start("asyncore", port, dir, List.of("java", "-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-jar",
					jar().toAbsolutePath().toString(), "--server.port=0", "--server.address=127.0.0.1",
					"--asyncore.listeners[0].name=blackbox", "--asyncore.listeners[0].type=blackbox",
					"--asyncore.listeners[0].port=" + port, "--asyncore.blackbox.config-file=" + modules,
					"--logging.level.root=WARN"));
		}

		/** The real blackbox_exporter with the same module file. */
		static Exporter theirs(Path dir, Path modules) throws Exception {
			int port = freePort();
			return start("blackbox_exporter", port, dir, List.of(BLACKBOX_EXPORTER.toString(), "--config.file=" + modules,
					"--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
		}

		/** @param dir the working directory: not the repository's, whose config/application.yml is the container's */
		private static Exporter start(String name, int port, Path dir, List<String> command) throws Exception {
			Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
				.redirectOutput(Files.createTempFile("probe-bench-" + name, ".log").toFile())
				.start();
			Exporter exporter = new Exporter(name, port, process);
			try {
				awaitHealthy(port, process);
				return exporter;
			}
			catch (RuntimeException | InterruptedException ex) {
				exporter.close();
				throw ex;
			}
		}

		long cpuNanos() {
			return NginxOrigin.cpuNanos(this.process.toHandle());
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			this.process.waitFor();
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
		System.out.printf(Locale.ROOT, "probe %-12s %-18s %-9s %8.0f probes/s %8.1f us CPU/probe, %d failed, load client at %.0f %% of a core%s%n",
				result.module(), result.name(), result.paced() ? "paced" : "saturated", result.perSecond(),
				result.cpuMicrosPerProbe(), result.failures(), result.load().clientCorePercent(),
				(result.paced() && result.perSecond() < 0.95 * PACED_PER_SECOND)
						? " -- SHORT OF THE PACED RATE: the exporter was saturated, not paced" : "");
		return result;
	}

	static byte[] request(Scenario scenario) {
		return ("GET /probe?module=" + scenario.module() + "&target=" + scenario.target()
				+ " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static void awaitHealthy(int port, Process process) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
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
		throw new IllegalStateException("exporter on port " + port + " not healthy within 120 s (alive: " + process.isAlive() + ")");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
