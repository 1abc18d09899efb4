package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetAddress;
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
 * DNS {@code /probe} throughput and CPU per probe, ours (the service jar, a separate process)
 * against the real blackbox_exporter, both asking the same dnsmasq (a hosts-file zone on a free
 * loopback port) for one A record over UDP: {@link ProbeBench#CONNECTIONS} keep-alive scrapers, each
 * asking for one probe after the other, as {@link ProbeBench}'s. CPU is the exporter process's (from /proc) divided by the probes;
 * dnsmasq's own CPU is printed to show whether it was the limit.
 */
final class DnsProbeBench {

	static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

	private DnsProbeBench() {
	}

	/** The benchmark's rows, or none (with a line saying why) when dnsmasq, blackbox_exporter or the jar is missing. */
	static List<BenchmarkRunner.Row> run(int probes) throws Exception {
		if (!Files.isExecutable(DNSMASQ) || !Files.isExecutable(ProbeBench.BLACKBOX_EXPORTER) || ProbeBench.jar() == null) {
			System.out.println("DNS probe benchmark skipped: it needs dnsmasq (dnsmasq-base), prometheus-blackbox-exporter and the packaged jar.");
			return List.of();
		}
		Path dir = Files.createTempDirectory("asyncore-bench-dns");
		dir.toFile().setExecutable(true, false); // dnsmasq reads the hosts file as nobody
		Path hosts = Files.writeString(dir.resolve("hosts"), "192.0.2.1 www.bench.test\n");
		hosts.toFile().setReadable(true, false);
		Path modules = Files.writeString(dir.resolve("blackbox.yml"), "modules:\n  dns_a:\n    prober: dns\n    timeout: 5s\n"
				+ "    dns:\n      query_name: www.bench.test\n      query_type: A\n      preferred_ip_protocol: ip4\n");
		int dnsPort = freePort();
		List<String> dnsmasq = new ArrayList<>(List.of(DNSMASQ.toString(), "--no-daemon", "--conf-file=/dev/null",
				"--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
				"--addn-hosts=" + hosts, "--local=/bench.test/", "--cache-size=0", "--pid-file=" + dir.resolve("dnsmasq.pid")));
		if ("root".equals(System.getProperty("user.name"))) {
			dnsmasq.addAll(List.of("--user=nobody", "--group=nogroup"));
		}
		Process server = new ProcessBuilder(dnsmasq).redirectErrorStream(true)
			.redirectOutput(dir.resolve("dnsmasq.log").toFile())
			.start();
		try {
			String target = "127.0.0.1:" + dnsPort;
			int ours = freePort();
			List<ProbeBench.Result> mine = measure("asyncore", dir, ours, target, server, probes, List.of("java", "-Xms256m", "-Xmx256m",
					"-XX:+UseParallelGC", "-jar", ProbeBench.jar().toAbsolutePath().toString(), "--server.port=0", "--server.address=127.0.0.1",
					"--asyncore.listeners[0].name=blackbox", "--asyncore.listeners[0].type=blackbox",
					"--asyncore.listeners[0].port=" + ours, "--asyncore.blackbox.config-file=" + modules,
					"--logging.level.root=WARN"));
			int theirs = freePort();
			List<ProbeBench.Result> peer = measure("blackbox_exporter", dir, theirs, target, server, probes, List.of(
					ProbeBench.BLACKBOX_EXPORTER.toString(), "--config.file=" + modules,
					"--web.listen-address=127.0.0.1:" + theirs, "--log.level=warn"));
			String scenario = "/probe of a DNS A record (dnsmasq, UDP), " + ProbeBench.CONNECTIONS + " scrapers";
			List<BenchmarkRunner.Row> rows = new ArrayList<>();
			for (int i = 0; i < mine.size(); i++) {
				rows.addAll(ProbeBench.rows(scenario, mine.get(i), peer.get(i)));
			}
			return rows;
		}
		finally {
			server.destroy();
			server.waitFor();
		}
	}

	private static List<ProbeBench.Result> measure(String name, Path dir, int port, String target, Process dnsmasq, int probes,
			List<String> command) throws Exception {
		// started in the temporary directory: the repository's config/application.yml is not for this run
		Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
			.redirectOutput(Files.createTempFile("dns-bench-" + name, ".log").toFile())
			.start();
		try {
			awaitHealthy(port, process);
			byte[] request = ("GET /probe?module=dns_a&target=" + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
			Scrapers.saturate(port, request, probes / 2); // JIT for ours, connection set-up for both
			Scrapers.saturate(port, request, probes / 2);
			long cpu = NginxOrigin.cpuNanos(process.toHandle());
			long serverCpu = NginxOrigin.cpuNanos(dnsmasq.toHandle());
			Scrapers.Load load = Scrapers.saturate(port, request, probes);
			ProbeBench.Result saturated = ProbeBench.print(new ProbeBench.Result(name, "dns_a", false, load,
					NginxOrigin.cpuNanos(process.toHandle()) - cpu));
			System.out.printf(Locale.ROOT, "dns probe %s: dnsmasq at %.0f %% of a core%n", name,
					(NginxOrigin.cpuNanos(dnsmasq.toHandle()) - serverCpu) * 100.0 / load.wallNanos());
			cpu = NginxOrigin.cpuNanos(process.toHandle());
			load = Scrapers.paced(port, request, ProbeBench.CONNECTIONS / 2, ProbeBench.PACED_PER_SECOND, ProbeBench.PACED_FOR);
			return List.of(saturated, ProbeBench.print(new ProbeBench.Result(name, "dns_a", true, load,
					NginxOrigin.cpuNanos(process.toHandle()) - cpu)));
		}
		finally {
			process.destroy();
			process.waitFor();
		}
	}

	private static void awaitHealthy(int port, Process process) throws Exception {
		byte[] healthy = "GET /-/healthy HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
				socket.getOutputStream().write(healthy);
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

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
