package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a scheduler sees of a blackbox_exporter slot, ours against the real blackbox_exporter in one
 * run: start to the first {@code /probe} answer, RSS idle, after a sustained 1,000 probes a second
 * and with 1,000 slow probes in flight, and CPU per probe over the first 2,000 probes (the JIT's
 * warm-up) and at steady state, saturated and paced at 100 and 1,000 probes a second.
 * <p>
 * Ours runs as the image runs it ({@link ImageJvm}: the Dockerfile's ENTRYPOINT options, its
 * {@code JAVA_TOOL_OPTIONS} and {@code MALLOC_ARENA_MAX}, an AOT cache made by the image's own
 * training script, {@code config/application.yml} with the container's listeners) on the extracted
 * jar, with {@code -XX:MaxRAM} standing for the container's memory limit; and, for the start and
 * warm-up, the same files started with a plain {@code java -jar app.jar} (and the fat jar). Every
 * process binds loopback ports chosen free; probes are {@code tcp_connect} of a listener of this JVM
 * that accepts and closes, and for the slow ones {@code http} of a listener that accepts and stalls.
 * With a profile ({@code -Dbench.args=footprint:blackbox-slot}) every run of ours, the training run
 * included, has it in {@code SPRING_PROFILES_ACTIVE}, as the image built with that {@code PROFILE}.
 */
final class FootprintBench {

	/** The memory limit the image's heap is sized from: config/kubernetes/deployment.yaml's. */
	static final String MEMORY_LIMIT = "256m";

	static final int START_ROUNDS = 3;

	static final int WARMUP_PROBES = 2_000;

	static final int SATURATED_PROBES = 20_000;

	static final int SLOW_IN_FLIGHT = 1_000;

	static final Duration IDLE = Duration.ofSeconds(10);

	static final Duration SUSTAINED = Duration.ofSeconds(30);

	static final Duration PACED_100_FOR = Duration.ofSeconds(10);

	private static final String TOKEN = "footprint-bench-token";

	private final Path dir;

	private final Path modules;

	private final ImageJvm image;

	private final Path fatJar;

	private final List<BenchmarkRunner.Row> rows = new ArrayList<>();

	/** One start of one variant: seconds to the first answer, RSS idle, CPU per probe of the first probes. */
	record Start(String variant, double seconds, double cpuSeconds, double idleRssMiB, double warmupMicros) {
	}

	private FootprintBench(Path dir, ImageJvm image, Path fatJar) throws IOException {
		this.dir = dir;
		this.image = image;
		this.fatJar = fatJar;
		this.modules = Files.writeString(dir.resolve("footprint-modules.yml"), """
				modules:
				  tcp_connect:
				    prober: tcp
				    timeout: 5s
				    tcp:
				      preferred_ip_protocol: ip4
				  http_stall:
				    prober: http
				    timeout: 30s
				    http:
				      preferred_ip_protocol: ip4
				""");
	}

	static boolean available() {
		return Files.isExecutable(ProbeBench.BLACKBOX_EXPORTER) && ProbeBench.jar() != null
				&& Files.isRegularFile(Path.of("Dockerfile")) && Files.isRegularFile(ImageJvm.TRAINING);
	}

	/**
	 * Lays the jar out as the image built with {@code profile} (empty: the default) does, makes its AOT
	 * cache with the image's training run, and measures; returns the table's rows.
	 */
	static List<BenchmarkRunner.Row> run(String profile) throws Exception {
		ImageJvm image = ImageJvm.fromDockerfile(Path.of("Dockerfile")).withProfile(profile);
		Path root = Files.createTempDirectory("asyncore-bench-footprint");
		Path dir = root.resolve("app");
		// a copy: a build in the same tree may rewrite target/ while the benchmark runs
		Path fatJar = Files.copy(ProbeBench.jar(), root.resolve("app-fat.jar"));
		image.layOut(fatJar, dir);
		long trainStart = System.nanoTime();
		image.train(dir);
		System.out.printf(Locale.ROOT, "footprint: AOT cache %d MiB, made by the image's training run in %.0f s%n",
				Files.size(dir.resolve("app.aot")) >> 20, (System.nanoTime() - trainStart) / 1e9);
		FootprintBench bench = new FootprintBench(dir, image, fatJar);
		try (ProbeTargets targets = new ProbeTargets()) {
			bench.starts(targets);
			bench.steadyState(targets);
		}
		return bench.rows;
	}

	/** The targets against the rows' figures, one line each: met or missed, never hidden. */
	static void printTargets(List<BenchmarkRunner.Row> rows) {
		System.out.println();
		target(rows, "RSS idle, image", "ours", 128, "RSS idle <= 128 MiB");
		target(rows, "RSS after " + SUSTAINED.toSeconds() + " s at 1,000 probes/s", "ours", 160, "RSS after the sustained load <= 160 MiB");
		target(rows, "RSS with " + SLOW_IN_FLIGHT + " probes in flight (highest)", "ratio", 1, "RSS with slow probes in flight below blackbox_exporter's");
		target(rows, "start to first /probe, image vs plain java -jar (same files)", "ratio", 0.4, "start to first /probe <= 0.4x plain java -jar");
		target(rows, "CPU per probe, first " + WARMUP_PROBES + " (one client), image", "ratio", 0.5, "CPU per probe over the first 2,000 <= 0.5x blackbox_exporter");
		target(rows, "CPU per probe, paced 1,000/s", "ratio", 0.12, "CPU per probe paced at 1,000/s <= 0.12x blackbox_exporter");
	}

	private static void target(List<BenchmarkRunner.Row> rows, String figure, String what, double limit, String label) {
		rows.stream().filter((row) -> row.figure().equals(figure)).findFirst().ifPresent((row) -> {
			double value = what.equals("ratio") ? row.ratio() : row.ours();
			System.out.printf(Locale.ROOT, "target %-62s %8.2f %s%n", label, value, (value <= limit) ? "MET" : "MISSED");
		});
	}

	/** {@link #START_ROUNDS} rounds of a fresh start of each variant, alternated: start, idle RSS, first probes. */
	private void starts(ProbeTargets targets) throws Exception {
		Map<String, List<Start>> byVariant = new LinkedHashMap<>();
		byte[] request = request("tcp_connect", targets.tcpTarget());
		for (int round = 1; round <= START_ROUNDS; round++) {
			for (String variant : List.of("image", "plain", "fat-jar", "blackbox_exporter")) {
				try (Running exporter = start(variant)) {
					double seconds = firstAnswer(exporter, request);
					double cpu = exporter.cpuNanos() / 1e9;
					Thread.sleep(IDLE.toMillis()); // idle is the figure: a scheduler sees the pod between scrapes
					double rss = rssMiB(exporter);
					long before = exporter.cpuNanos();
					Scrapers.Load load = Scrapers.saturate(exporter.port(), request, WARMUP_PROBES, 1);
					double warmup = (exporter.cpuNanos() - before) / 1e3 / load.probes();
					Start start = new Start(variant, seconds, cpu, rss, warmup);
					System.out.printf(Locale.ROOT,
							"footprint start round %d %-17s first /probe after %6.2f s (%5.2f s CPU), RSS idle %6.1f MiB, first %d probes %7.1f us CPU/probe (%d failed), RSS then %6.1f MiB%n",
							round, variant, seconds, cpu, rss, WARMUP_PROBES, warmup, load.failures(), rssMiB(exporter));
					byVariant.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(start);
				}
			}
		}
		String scenario = "footprint: fresh start, " + START_ROUNDS + " rounds (median)";
		this.rows.add(row(scenario, "start to first /probe, image vs plain java -jar (same files)", byVariant, Start::seconds,
				"image", "plain", "s"));
		this.rows.add(row(scenario, "start to first /probe, image vs plain java -jar of the fat jar", byVariant, Start::seconds,
				"image", "fat-jar", "s"));
		this.rows.add(row(scenario, "start to first /probe", byVariant, Start::seconds, "image", "blackbox_exporter", "s"));
		this.rows.add(row(scenario, "CPU to first /probe, image vs plain java -jar", byVariant, Start::cpuSeconds, "image",
				"plain", "s"));
		this.rows.add(row(scenario, "RSS idle, image", byVariant, Start::idleRssMiB, "image", "blackbox_exporter", "MiB"));
		this.rows.add(row(scenario, "RSS idle, plain java -jar", byVariant, Start::idleRssMiB, "plain", "blackbox_exporter",
				"MiB"));
		this.rows.add(row(scenario, "CPU per probe, first " + WARMUP_PROBES + " (one client), image", byVariant,
				Start::warmupMicros, "image", "blackbox_exporter", "us"));
		this.rows.add(row(scenario, "CPU per probe, first " + WARMUP_PROBES + " (one client), plain java -jar", byVariant,
				Start::warmupMicros, "plain", "blackbox_exporter", "us"));
	}

	private static BenchmarkRunner.Row row(String scenario, String figure, Map<String, List<Start>> byVariant,
			ToDoubleFunction<Start> value, String ours, String peer, String unit) {
		return new BenchmarkRunner.Row(scenario, figure, median(byVariant.get(ours), value), median(byVariant.get(peer), value),
				peer, true, unit);
	}

	private static double median(List<Start> starts, ToDoubleFunction<Start> value) {
		double[] sorted = starts.stream().mapToDouble(value).sorted().toArray();
		return sorted[sorted.length / 2];
	}

	/**
	 * Ours (as the image runs it) and blackbox_exporter both running: a warm-up, then two alternated
	 * rounds of saturated, 100/s and a sustained 1,000/s (RSS after it), then 1,000 slow probes each.
	 */
	private void steadyState(ProbeTargets targets) throws Exception {
		byte[] request = request("tcp_connect", targets.tcpTarget());
		try (Running ours = start("image"); Running theirs = start("blackbox_exporter")) {
			for (Running exporter : List.of(ours, theirs)) {
				firstAnswer(exporter, request);
				Scrapers.saturate(exporter.port(), request, SATURATED_PROBES);
			}
			Map<String, List<double[]>> figures = new LinkedHashMap<>();
			for (int round = 1; round <= 2; round++) {
				for (Running exporter : List.of(ours, theirs)) {
					double saturated = cpuPerProbe(exporter, () -> Scrapers.saturate(exporter.port(), request, SATURATED_PROBES), "saturated");
					double paced100 = cpuPerProbe(exporter,
							() -> Scrapers.paced(exporter.port(), request, 16, 100, PACED_100_FOR), "paced 100/s");
					double paced1000 = cpuPerProbe(exporter,
							() -> Scrapers.paced(exporter.port(), request, 16, 1000, SUSTAINED), "paced 1,000/s for " + SUSTAINED.toSeconds() + " s");
					double rss = rssMiB(exporter);
					System.out.printf(Locale.ROOT, "footprint round %d %-17s RSS after %d s at 1,000/s: %6.1f MiB%n", round,
							exporter.name(), SUSTAINED.toSeconds(), rss);
					figures.computeIfAbsent(exporter.name(), (key) -> new ArrayList<>())
						.add(new double[] { saturated, paced100, paced1000, rss });
				}
			}
			String scenario = "footprint: tcp_connect, both exporters running, 2 alternated rounds (highest)";
			String[] names = { "CPU per probe, saturated (" + Scrapers.CONNECTIONS + " clients)", "CPU per probe, paced 100/s",
					"CPU per probe, paced 1,000/s", "RSS after " + SUSTAINED.toSeconds() + " s at 1,000 probes/s" };
			String[] units = { "us", "us", "us", "MiB" };
			for (int i = 0; i < names.length; i++) {
				int column = i;
				double mine = figures.get(ours.name()).stream().mapToDouble((f) -> f[column]).max().orElseThrow();
				double peer = figures.get(theirs.name()).stream().mapToDouble((f) -> f[column]).max().orElseThrow();
				this.rows.add(new BenchmarkRunner.Row(scenario, names[i], mine, peer, "blackbox_exporter", true, units[i]));
			}
			byte[] slow = request("http_stall", "http://" + targets.stallTarget() + "/");
			double mine = slowProbes(ours, slow);
			double peer = slowProbes(theirs, slow);
			this.rows.add(new BenchmarkRunner.Row("footprint: " + SLOW_IN_FLIGHT + " http probes of a target that accepts and stalls",
					"RSS with " + SLOW_IN_FLIGHT + " probes in flight (highest)", mine, peer, "blackbox_exporter", true, "MiB"));
		}
	}

	private interface LoadRun {

		Scrapers.Load run() throws InterruptedException;

	}

	private static double cpuPerProbe(Running exporter, LoadRun load, String label) throws InterruptedException {
		long before = exporter.cpuNanos();
		Scrapers.Load done = load.run();
		double micros = (exporter.cpuNanos() - before) / 1e3 / done.probes();
		System.out.printf(Locale.ROOT, "footprint %-17s %-26s %8.0f probes/s %8.1f us CPU/probe, %d failed%n", exporter.name(),
				label, done.perSecond(), micros, done.failures());
		return micros;
	}

	/**
	 * {@link #SLOW_IN_FLIGHT} requests at once for a probe of the staller, one connection each; the
	 * highest RSS over the next 10 s, while none has been answered; then the connections close.
	 */
	private static double slowProbes(Running exporter, byte[] request) throws Exception {
		List<Socket> sockets = new ArrayList<>();
		double highest = 0;
		try {
			for (int i = 0; i < SLOW_IN_FLIGHT; i++) {
				Socket socket = new Socket(InetAddress.getLoopbackAddress(), exporter.port());
				sockets.add(socket);
				socket.getOutputStream().write(request);
			}
			for (int i = 0; i < 20; i++) {
				Thread.sleep(500); // sampling the other process's RSS while its probes wait
				highest = Math.max(highest, rssMiB(exporter));
			}
			long answered = 0;
			for (Socket socket : sockets) {
				answered += (socket.getInputStream().available() > 0) ? 1 : 0;
			}
			System.out.printf(Locale.ROOT, "footprint %-17s %d slow probes: highest RSS %6.1f MiB, %d answered early (not in flight)%n",
					exporter.name(), SLOW_IN_FLIGHT, highest, answered);
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		return highest;
	}

	/** Seconds from the process start to the first {@code probe_success 1}, trying every 10 ms. */
	private static double firstAnswer(Running exporter, byte[] request) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		while (System.nanoTime() < deadline && exporter.process().isAlive()) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), exporter.port())) {
				socket.setSoTimeout(10_000);
				OutputStream out = socket.getOutputStream();
				out.write(closing(request));
				InputStream in = socket.getInputStream();
				String answer = new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
				if (answer.contains("\nprobe_success 1")) {
					return (System.nanoTime() - exporter.startedNanos()) / 1e9;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(10); // polling another process's start; there is nothing to latch on
		}
		throw new IllegalStateException(exporter.name() + " gave no successful /probe within 3 minutes");
	}

	/** A keep-alive request for {@link Scrapers}, with the token the container configuration requires. */
	private static byte[] request(String module, String target) {
		return ("GET /probe?module=" + module + "&target=" + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
				+ TOKEN + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
	}

	/** The same as HTTP/1.0: the answer ends with the connection. */
	private static byte[] closing(byte[] request) {
		return new String(request, StandardCharsets.ISO_8859_1).replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

	private Running start(String variant) throws Exception {
		int port = ProbeBench.freePort();
		List<String> command = new ArrayList<>();
		Map<String, String> env = new LinkedHashMap<>();
		switch (variant) {
			case "blackbox_exporter" -> command.addAll(List.of(ProbeBench.BLACKBOX_EXPORTER.toString(), "--config.file=" + this.modules,
					"--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
			case "image" -> {
				command.add(ImageJvm.java());
				command.addAll(this.image.options());
				command.add("-XX:MaxRAM=" + MEMORY_LIMIT); // the container's limit, which the image sizes its heap from
				command.addAll(List.of("-jar", "app.jar"));
				env.putAll(this.image.env());
			}
			case "plain" -> command.addAll(List.of(ImageJvm.java(), "-jar", "app.jar"));
			case "fat-jar" -> command.addAll(List.of(ImageJvm.java(), "-jar", this.fatJar.toString()));
			default -> throw new IllegalArgumentException(variant);
		}
		if (!variant.equals("blackbox_exporter")) {
			env.putAll(ImageJvm.containerEnv(port, this.modules));
			if (!this.image.profile().isEmpty()) {
				env.put(ImageJvm.PROFILES, this.image.profile());
			}
			env.put("ASYNCORE_SECURITY_TOKEN_HASH", "sha256:" + HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8))));
		}
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve(variant + ".log").toFile());
		ImageJvm.cleanEnvironment(builder.environment());
		builder.environment().putAll(env);
		long started = System.nanoTime();
		return new Running(variant, port, builder.start(), started);
	}

	/** An exporter under test in its own process, and when it was started. */
	record Running(String name, int port, Process process, long startedNanos) implements AutoCloseable {

		long cpuNanos() {
			return NginxOrigin.cpuNanos(this.process.toHandle());
		}

		@Override
		public void close() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}

	}

	private static double rssMiB(Running exporter) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(exporter.process().pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
				}
			}
		}
		catch (IOException ex) {
			// gone
		}
		return 0;
	}

}
