package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code /probe} throughput and CPU per probe of our exporter (the service jar, a separate process)
 * and the real blackbox_exporter, driven by the same load client: {@link #CONNECTIONS} keep-alive
 * connections, each asking for one probe after the other. Two scenarios against the same nginx:
 * {@code http_2xx} of a 1 KiB page and {@code tcp_connect} of its port; every probe opens a fresh
 * connection to nginx. CPU is the exporter process's (from /proc), divided by probes done.
 */
final class ProbeBench {

	static final Path BLACKBOX_EXPORTER = Path.of("/usr/bin/prometheus-blackbox-exporter");

	static final int CONNECTIONS = 32;

	/** What the scrapers ask for: a module and its target. */
	record Scenario(String module, String target) {
	}

	record Result(String name, String module, long probes, long wallNanos, long cpuNanos, long failures) {

		double perSecond() {
			return this.probes * 1e9 / this.wallNanos;
		}

		double cpuMicrosPerProbe() {
			return this.cpuNanos / 1e3 / this.probes;
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

	/** Both scenarios on ours, then on blackbox_exporter: ours-http, ours-tcp, theirs-http, theirs-tcp. */
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
				drive(port, scenario, warmup); // JIT for ours, connection set-up for both
				drive(port, scenario, warmup);
				long cpu = NginxOrigin.cpuNanos(process.toHandle());
				long start = System.nanoTime();
				long failures = drive(port, scenario, probes);
				long wall = System.nanoTime() - start;
				Result result = new Result(name, scenario.module(), probes, wall,
						NginxOrigin.cpuNanos(process.toHandle()) - cpu, failures);
				System.out.printf(Locale.ROOT, "probe %-12s %-18s %8.0f probes/s %8.1f us CPU/probe, %d failed%n",
						scenario.module(), name, result.perSecond(), result.cpuMicrosPerProbe(), failures);
				results.add(result);
			}
			return results;
		}
		finally {
			process.destroy();
			process.waitFor();
		}
	}

	/** Runs {@code total} probes over {@link #CONNECTIONS} keep-alive connections; returns how many did not succeed. */
	private static long drive(int port, Scenario scenario, int total) throws Exception {
		AtomicLong left = new AtomicLong(total);
		AtomicLong failures = new AtomicLong();
		byte[] request = ("GET /probe?module=" + scenario.module() + "&target=" + scenario.target()
				+ " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		List<Thread> threads = new ArrayList<>();
		List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
		for (int i = 0; i < CONNECTIONS; i++) {
			Thread thread = new Thread(() -> {
				try (Socket socket = new Socket("127.0.0.1", port)) {
					socket.setSoTimeout(30_000);
					socket.setTcpNoDelay(true);
					OutputStream out = socket.getOutputStream();
					InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
					while (left.getAndDecrement() > 0) {
						out.write(request);
						if (!readResponse(in).contains("probe_success 1")) {
							failures.incrementAndGet();
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					errors.add(ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(Duration.ofMinutes(5).toMillis());
		}
		if (!errors.isEmpty()) {
			throw new IllegalStateException("load client failed", errors.get(0));
		}
		return failures.get();
	}

	static String readResponse(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int c;
		while ((c = in.read()) >= 0) {
			head.append((char) c);
			if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
				break;
			}
		}
		int length = 0;
		boolean chunked = false;
		for (String line : head.toString().split("\r\n")) {
			if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
				length = Integer.parseInt(line.substring(15).strip());
			}
			chunked |= line.regionMatches(true, 0, "Transfer-Encoding:", 0, 18) && line.contains("chunked");
		}
		if (!chunked) {
			return new String(in.readNBytes(length), StandardCharsets.UTF_8);
		}
		// Go's net/http chunks answers it did not buffer whole (blackbox_exporter's are ~2 KiB)
		StringBuilder body = new StringBuilder();
		for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
			body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
			in.readNBytes(2);
		}
		in.readNBytes(2); // the empty trailer's CRLF
		return body.toString();
	}

	private static int chunkSize(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) >= 0 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		int semicolon = line.indexOf(";");
		return Integer.parseInt((semicolon >= 0) ? line.substring(0, semicolon) : line.toString(), 16);
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
