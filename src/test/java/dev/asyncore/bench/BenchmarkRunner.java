package dev.asyncore.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Side-by-side echo benchmarks: ours and Netty alternate on the same loopback load in one run, and
 * a table reports each figure with the ratio ours/peer. {@code full} (the default of
 * {@code ./mvnw -Pbench verify}) runs the sizes the README quotes; {@code echo} or {@code fetch}
 * (passed as {@code -Dbench.args=fetch}) runs one half; {@code quick} runs tiny sizes; {@code probe} the
 * {@code /probe} side by side and {@code footprint} the image's memory, start and warm-up, both
 * against blackbox_exporter ({@code footprint:blackbox-slot} the image built with that profile).
 */
public final class BenchmarkRunner {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/**
	 * Load client threads of the throughput scenarios (b), (c) and (f). One thread ran at 96-99 % of a
	 * core there and limited both servers alike; with two, the server is the limit. Latency scenarios
	 * (one connection) use one.
	 */
	private static final int CLIENT_THREADS = 2;

	private final Settings settings;

	private final List<Row> rows = new ArrayList<>();

	/** Every (c) run's MB/s per side, for the median row: a best-of figure is only as steady as its luckiest run. */
	private final Map<String, List<Double>> streamRates = new LinkedHashMap<>();

	BenchmarkRunner(Settings settings) {
		this.settings = settings;
	}

	/** Sizes of one run. */
	record Settings(int rounds, int latencyMessages, int throughputMessages, int streamRuns,
			long streamBytesPerConnection, int idleForLatency, int idleForHeap, int fetchRounds, int smallFetches,
			int largeFetches, Duration maxTime) {

		static final Settings FULL = new Settings(3, 30_000, 400_000, 4, 512L * 1024 * 1024, 8_000, 10_000, 5,
				40_000, 1_500, Duration.ofSeconds(60));

		static final Settings QUICK = new Settings(1, 300, 2_000, 1, 2L * 1024 * 1024, 50, 100, 1, 300, 20,
				Duration.ofSeconds(20));

	}

	/** One line of the table: a figure for both sides; lower or higher is better. */
	record Row(String scenario, String figure, double ours, double peer, String peerName, boolean lowerIsBetter,
			String unit) {

		double ratio() {
			return (this.peer == 0) ? Double.NaN : this.ours / this.peer;
		}

	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "full";
		Settings settings = "quick".equals(mode) ? Settings.QUICK : Settings.FULL;
		BenchmarkRunner runner = new BenchmarkRunner(settings);
		if (mode.equals("footprint") || mode.startsWith("footprint:")) {
			runner.runFootprint(mode.substring("footprint".length()).replaceFirst("^:", ""));
			System.out.println(runner.table());
			return;
		}
		if ("probe".equals(mode)) {
			runner.runProbe();
			System.out.println(runner.table());
			return;
		}
		if (!"fetch".equals(mode)) {
			runner.runEcho();
		}
		if ("echo".equals(mode)) {
			// echo only
		}
		else if (NginxOrigin.available()) {
			runner.runFetch();
		}
		else {
			System.out.println("Fetch benchmarks skipped: they need nginx as the origin (apt-get install nginx-light).");
		}
		System.out.println(runner.table());
	}

	List<Row> rows() {
		return this.rows;
	}

	void runEcho() throws Exception {
		Map<String, Map<String, Double>> best = new LinkedHashMap<>();
		for (int round = 0; round < this.settings.rounds(); round++) {
			measure(best, "asyncore", OurEcho::new);
			measure(best, "netty", NettyEcho::new);
		}
		Map<String, Double> ours = best.get("asyncore");
		Map<String, Double> peer = best.get("netty");
		add("(a) 1 conn x 64 B ping-pong", "p50 latency", "a.p50", ours, peer, true, "us");
		add("(a) 1 conn x 64 B ping-pong", "p99 latency", "a.p99", ours, peer, true, "us");
		add("(b) 100 conn x 1 KiB ping-pong", "throughput", "b.rate", ours, peer, false, "msg/s");
		add("(b) 100 conn x 1 KiB ping-pong", "server CPU per message", "b.cpu", ours, peer, true, "us");
		add("(b) 100 conn x 1 KiB ping-pong", "load client CPU, % of one core (highest)", "b.client", ours, peer, true, "%");
		add("(c) 4 conn x 64 KiB streaming", "throughput, best run", "c.rate", ours, peer, false, "MB/s");
		this.rows.add(new Row("(c) 4 conn x 64 KiB streaming", "throughput, median run",
				median(this.streamRates.get("asyncore")), median(this.streamRates.get("netty")), "netty", false, "MB/s"));
		add("(c) 4 conn x 64 KiB streaming", "server CPU per MB", "c.cpu", ours, peer, true, "ms");
		add("(c) 4 conn x 64 KiB streaming", "load client CPU, % of one core (highest)", "c.client", ours, peer, true, "%");
		add("(d) 1 active + " + this.settings.idleForLatency() + " idle", "p50 latency", "d.p50", ours, peer, true, "us");
		add("(d) 1 active + " + this.settings.idleForLatency() + " idle", "p50 (d) / p50 (a)", "d.vs.a", ours, peer, true, "x");
		add("(e) " + this.settings.idleForHeap() + " idle connections", "heap per idle connection (highest round)", "e.heap", ours, peer,
				true, "B");
		runThreads();
	}

	/**
	 * Fetch: 64 concurrent keep-alive GETs of a 1 KiB page and of a 1 MiB file from nginx, ours
	 * against Apache HttpClient 5 async and the JDK's HttpClient, alternating, best round each.
	 */
	void runFetch() throws Exception {
		try (NginxOrigin origin = new NginxOrigin()) {
			fetchScenario(origin, "small.bin", origin.small, "1 KiB", this.settings.smallFetches());
			fetchScenario(origin, "large.bin", origin.large, "1 MiB", this.settings.largeFetches());
		}
	}

	/**
	 * The image's footprint against blackbox_exporter's (see {@link FootprintBench}), with the issue's
	 * targets; {@code profile} as the Dockerfile's {@code PROFILE} ({@code footprint:blackbox-slot}), or empty.
	 */
	void runFootprint(String profile) throws Exception {
		if (!FootprintBench.available()) {
			System.out.println("Footprint benchmark skipped: it needs prometheus-blackbox-exporter, the packaged jar, the Dockerfile and bash.");
			return;
		}
		this.rows.addAll(FootprintBench.run(profile));
		FootprintBench.printTargets(this.rows);
	}

	/** {@code /probe} http_2xx of a 1 KiB nginx page, tcp_connect of its port, icmp of 127.0.0.1 and grpc of an in-JVM health service: ours against the real blackbox_exporter (see {@link ProbeBench}). */
	void runProbe() throws Exception {
		this.rows.addAll(DnsProbeBench.run(this.settings.smallFetches()));
		if (!ProbeBench.available()) {
			System.out.println("Probe benchmark skipped: it needs nginx, prometheus-blackbox-exporter and the packaged jar.");
			return;
		}
		try (NginxOrigin origin = new NginxOrigin()) {
			Map<String, List<ProbeBench.Result>> results = ProbeBench.run(origin, this.settings.smallFetches(),
					this.settings.smallFetches());
			results.forEach((module, pairs) -> {
				String scenario = probeScenario(module);
				this.rows.addAll(ProbeBench.rows(scenario, pairs.get(0), pairs.get(1)));
				this.rows.addAll(ProbeBench.rows(scenario, pairs.get(2), pairs.get(3)));
			});
			if (KernelFloor.available()) {
				for (Map.Entry<String, List<ProbeBench.Result>> entry : results.entrySet()) {
					if (entry.getKey().equals("icmp")) {
						continue; // the floor is a TCP connection's; a ping has none
					}
					boolean http = entry.getKey().equals("http_2xx"); // tcp_connect and grpc: one bare connection each
					ProbeBench.Result ours = entry.getValue().get(0);
					double floor = KernelFloor.systemMicrosPerConnection(origin.uri("small.bin"), http,
							this.settings.smallFetches());
					System.out.printf(Locale.ROOT, "%s: 0.1x blackbox_exporter is %.1f us per probe; the kernel alone charges %.1f us per connection%n",
							ours.module(), entry.getValue().get(1).cpuMicrosPerProbe() / 10, floor);
					this.rows.add(new Row(probeScenario(entry.getKey()),
							"exporter CPU per probe vs the kernel's share of one bare connection", ours.cpuMicrosPerProbe(),
							floor, "python3 loop, system CPU only", true, "us"));
				}
			}
		}
	}

	private static String probeScenario(String module) {
		if (module.equals("icmp")) {
			return "/probe icmp of 127.0.0.1, " + ProbeBench.CONNECTIONS + " scrapers";
		}
		if (module.equals("grpc")) {
			return "/probe grpc health check (h2c, grpc-java), " + ProbeBench.CONNECTIONS
					+ " scrapers, fresh connection per probe";
		}
		return module.equals("tcp_connect") ? "/probe tcp_connect of nginx's port, " + ProbeBench.CONNECTIONS + " scrapers"
				: "/probe of a 1 KiB page, " + ProbeBench.CONNECTIONS + " scrapers, fresh connection per probe";
	}

	private void fetchScenario(NginxOrigin origin, String file, byte[] expected, String label, int total)
			throws Exception {
		Map<String, FetchLoad.Result> best = new LinkedHashMap<>();
		Map<String, List<Double>> rates = new LinkedHashMap<>();
		List<Callable<FetchClients.Client>> clients = List.of(FetchClients::asyncore, FetchClients::apache,
				FetchClients::jdk);
		for (int round = 0; round < this.settings.fetchRounds(); round++) {
			for (Callable<FetchClients.Client> factory : clients) {
				try (FetchClients.Client client = factory.call()) {
					FetchLoad.run(client, origin, origin.uri(file), expected, FetchClients.POOL, Math.max(total / 2, 64),
							this.settings.maxTime()); // warm-up: JIT and connection pool
					FetchLoad.Result result = FetchLoad.run(client, origin, origin.uri(file), expected,
							FetchClients.POOL, total, this.settings.maxTime());
					System.out.printf(Locale.ROOT, "fetch %s %-14s %9.0f req/s %8.1f us CPU/request, nginx %5.1f %% of a core%n",
							label, client.name(), result.perSecond(), result.cpuMicrosPerRequest(),
							100.0 * result.originCpuNanos() / result.wallNanos());
					rates.computeIfAbsent(client.name(), (key) -> new ArrayList<>()).add(result.perSecond());
					best.merge(client.name(), result, (a, b) -> (a.perSecond() >= b.perSecond()) ? a : b);
				}
			}
		}
		FetchLoad.Result ours = best.get("asyncore");
		String scenario = "fetch 64 x " + label + " keep-alive";
		for (String peer : List.of("httpclient5", "jdk-httpclient")) {
			FetchLoad.Result other = best.get(peer);
			this.rows.add(new Row(scenario, "requests per second, best round", ours.perSecond(), other.perSecond(),
					peer, false, "req/s"));
			this.rows.add(new Row(scenario, "requests per second, median round", median(rates.get("asyncore")),
					median(rates.get(peer)), peer, false, "req/s"));
			this.rows.add(new Row(scenario, "client CPU per request", ours.cpuMicrosPerRequest(),
					other.cpuMicrosPerRequest(), peer, true, "us"));
		}
		this.rows.add(new Row(scenario, "origin (nginx) CPU share, ours vs httpclient5",
				100.0 * ours.originCpuNanos() / ours.wallNanos(),
				100.0 * best.get("httpclient5").originCpuNanos() / best.get("httpclient5").wallNanos(), "httpclient5",
				true, "%"));
	}

	/** (f) the multi-reactor option: the (b) load on 2 loop threads against 1, ours only. */
	private void runThreads() throws Exception {
		double[] rate = new double[2];
		double[] cpu = new double[2];
		for (int round = 0; round < this.settings.rounds(); round++) {
			for (int threads = 1; threads <= 2; threads++) {
				try (EchoPeer peer = new OurEcho(threads)) {
					LoadClient.pingPong(peer.address(), 10, 1024, this.settings.throughputMessages() / 4,
							this.settings.maxTime());
					long before = serverCpu(peer);
					LoadClient.Result b = LoadClient.pingPong(peer.address(), 100, CLIENT_THREADS, 1024,
							this.settings.throughputMessages(), this.settings.maxTime());
					double r = b.messages() / (b.wallNanos() / 1e9);
					double c = (serverCpu(peer) - before) / 1e3 / b.messages();
					rate[threads - 1] = Math.max(rate[threads - 1], r);
					cpu[threads - 1] = (cpu[threads - 1] == 0) ? c : Math.min(cpu[threads - 1], c);
				}
			}
		}
		this.rows.add(new Row("(f) (b) on 2 reactor threads vs 1", "throughput (msg/s)", rate[1], rate[0],
				"asyncore x1", false, "msg/s"));
		this.rows.add(new Row("(f) (b) on 2 reactor threads vs 1", "server CPU per message (us)", cpu[1], cpu[0],
				"asyncore x1", true, "us"));
	}

	private void add(String scenario, String figure, String key, Map<String, Double> ours, Map<String, Double> peer,
			boolean lowerIsBetter, String unit) {
		this.rows.add(new Row(scenario, figure, ours.get(key), peer.get(key), "netty", lowerIsBetter, unit));
	}

	private void measure(Map<String, Map<String, Double>> best, String name, Callable<EchoPeer> factory)
			throws Exception {
		Map<String, Double> figures = new LinkedHashMap<>();
		try (EchoPeer peer = factory.call()) {
			// (e) first, on a server that has served nothing yet: "with none" means a fresh server.
			long before = usedHeapAfterGc();
			try (IdleClients idle = IdleClients.open(peer.address(), this.settings.idleForHeap())) {
				awaitCondition(() -> peer.activeConnections() >= this.settings.idleForHeap());
				long after = usedHeapAfterGc();
				figures.put("e.heap", (double) (after - before) / this.settings.idleForHeap());
			}
			awaitCondition(() -> peer.activeConnections() == 0);

			// warm-up: the JIT compiles both sides before anything is recorded
			LoadClient.pingPong(peer.address(), 10, 1024, this.settings.throughputMessages() / 4, this.settings.maxTime());

			LoadClient.Result a = LoadClient.pingPong(peer.address(), 1, 64, this.settings.latencyMessages(),
					this.settings.maxTime());
			figures.put("a.p50", a.percentile(50) / 1e3);
			figures.put("a.p99", a.percentile(99) / 1e3);

			long cpu = serverCpu(peer);
			LoadClient.Result b = LoadClient.pingPong(peer.address(), 100, CLIENT_THREADS, 1024,
					this.settings.throughputMessages(), this.settings.maxTime());
			cpu = serverCpu(peer) - cpu;
			figures.put("b.rate", b.messages() / (b.wallNanos() / 1e9));
			figures.put("b.cpu", cpu / 1e3 / b.messages());
			figures.put("b.client", 100.0 * b.clientCpuNanos() / b.wallNanos());

			// (c) runs several times a round: on two cores a stream's rate swings with where the scheduler
			// puts the client and the server, and the best run shows each side's ceiling
			for (int run = 0; run < this.settings.streamRuns(); run++) {
				cpu = serverCpu(peer);
				LoadClient.Result c = LoadClient.stream(peer.address(), 4, CLIENT_THREADS, 64 * 1024,
						this.settings.streamBytesPerConnection(), this.settings.maxTime());
				cpu = serverCpu(peer) - cpu;
				double megabytes = c.bytes() / 1e6;
				double rate = megabytes / (c.wallNanos() / 1e9);
				System.out.printf(Locale.ROOT, "(c) %-12s %8.1f MB/s %6.3f ms/MB, load client %5.1f %% of a core%n",
						name, rate, cpu / 1e6 / megabytes, 100.0 * c.clientCpuNanos() / c.wallNanos());
				this.streamRates.computeIfAbsent(name, (key) -> new ArrayList<>()).add(rate);
				figures.merge("c.rate", rate, Math::max);
				figures.merge("c.cpu", cpu / 1e6 / megabytes, Math::min);
				figures.merge("c.client", 100.0 * c.clientCpuNanos() / c.wallNanos(), Math::max);
			}

			try (IdleClients idle = IdleClients.open(peer.address(), this.settings.idleForLatency())) {
				awaitCondition(() -> peer.activeConnections() >= this.settings.idleForLatency());
				LoadClient.Result d = LoadClient.pingPong(peer.address(), 1, 64, this.settings.latencyMessages(),
						this.settings.maxTime());
				figures.put("d.p50", d.percentile(50) / 1e3);
				figures.put("d.vs.a", (double) d.percentile(50) / a.percentile(50));
			}
			awaitCondition(() -> peer.activeConnections() == 0);
		}
		best.merge(name, figures, BenchmarkRunner::better);
	}

	private static Map<String, Double> better(Map<String, Double> a, Map<String, Double> b) {
		Map<String, Double> merged = new LinkedHashMap<>();
		for (String key : a.keySet()) {
			// rates: the best; client CPU shares: the highest, the nearest the client came to being the
			// bottleneck; heap per connection: the highest too, since the first round under Parallel GC
			// can come out far too low (311 B against 837 B for ours in the rounds after it)
			boolean higherIsBetter = key.endsWith(".rate") || key.endsWith(".client") || key.endsWith(".heap");
			merged.put(key, higherIsBetter ? Math.max(a.get(key), b.get(key)) : Math.min(a.get(key), b.get(key)));
		}
		return merged;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static long serverCpu(EchoPeer peer) {
		long total = 0;
		for (Thread thread : peer.serverThreads()) {
			total += THREADS.getThreadCpuTime(thread.threadId());
		}
		return total;
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("condition not met within 60 s");
			}
			Thread.sleep(10); // polling a counter of another process's work; nothing to latch on
		}
	}

	String table() {
		StringBuilder sb = new StringBuilder();
		sb.append(String.format(Locale.ROOT, "%nMachine: %d cores, %s %s, %s%n", Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name")));
		sb.append("| scenario | figure | asyncore | peer | ours/peer | better |\n");
		sb.append("| --- | --- | ---: | ---: | ---: | --- |\n");
		for (Row row : this.rows) {
			sb.append(String.format(Locale.ROOT, "| %s | %s (%s) | %.2f | %.2f %s | %.2f | %s |%n", row.scenario(),
					row.figure(), row.unit(), row.ours(), row.peer(), row.peerName(), row.ratio(),
					row.lowerIsBetter() ? "lower" : "higher"));
		}
		return sb.toString();
	}

}
