package dev.asyncore.bench;

import java.nio.file.Files;
import java.nio.file.Path;
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
		int dnsPort = ProbeBench.freePort();
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
			List<ProbeBench.Result> results;
			try (ProbeBench.Exporter ours = ProbeBench.Exporter.ours(dir, modules);
					ProbeBench.Exporter theirs = ProbeBench.Exporter.theirs(dir, modules)) {
				long dnsmasqCpu = NginxOrigin.cpuNanos(server.toHandle());
				long start = System.nanoTime();
				results = ProbeBench.compare(ours, theirs, new ProbeBench.Scenario("dns_a", target), probes / 2, probes);
				System.out.printf(Locale.ROOT, "dns probe: dnsmasq at %.0f %% of a core over the comparison%n",
						(NginxOrigin.cpuNanos(server.toHandle()) - dnsmasqCpu) * 100.0 / (System.nanoTime() - start));
			}
			String scenario = "/probe of a DNS A record (dnsmasq, UDP), " + ProbeBench.CONNECTIONS + " scrapers";
			List<BenchmarkRunner.Row> rows = new ArrayList<>(ProbeBench.rows(scenario, results.get(0), results.get(1)));
			rows.addAll(ProbeBench.rows(scenario, results.get(2), results.get(3)));
			return rows;
		}
		finally {
			server.destroy();
			server.waitFor();
		}
	}

}
