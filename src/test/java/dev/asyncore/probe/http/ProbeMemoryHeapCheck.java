package dev.asyncore.probe.http;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

/**
 * Run by {@link ProbeMemoryHeapIT} in a JVM of its own with a small heap: {@code count} body-keeping
 * probes of a target that sends almost 10 MiB and stalls, all at once, with the default probe memory
 * (a quarter of the heap) and a 20 s timeout, long enough for every body to arrive; then a probe of
 * a small target. Prints one {@code RESULT} line; exits 0 unless the loop died or a probe hung.
 */
public final class ProbeMemoryHeapCheck {

	private ProbeMemoryHeapCheck() {
	}

	public static void main(String[] args) throws Exception {
		String big = args[0];
		String small = args[1];
		int count = Integer.parseInt(args[2]);
		HttpOptions keep = ModuleFile.parse("""
				modules:
				  keep:
				    prober: http
				    http:
				      fail_if_body_not_matches_regexp: ["hello"]
				""", null, Probers.standard().kinds()).module("keep").options(HttpOptions.KIND);
		ProbeMemory memory = new ProbeMemory(ProbeMemory.defaultMax());
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		try (ReactorThread loop = new ReactorThread("heap-check")) {
			HttpProber prober = loop.call(() -> new HttpProber(Fetcher.builder(loop.reactor()).policy(policy).build(),
					policy, InetAddress::getAllByName, memory));
			List<CompletableFuture<HttpProber.Outcome>> probes = new ArrayList<>();
			List<ProbeLog> logs = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				ProbeLog log = new ProbeLog("keep", big);
				logs.add(log);
				probes.add(prober.probe(keep, big, Duration.ofSeconds(20), new ProbeReport(), log));
			}
			int failed = 0;
			for (CompletableFuture<HttpProber.Outcome> probe : probes) {
				if (!probe.get(60, TimeUnit.SECONDS).success()) {
					failed++;
				}
			}
			long refused = logs.stream().filter(l -> String.join("\n", l.lines()).contains("probe memory:")).count();
			long usedAfter = memory.used();
			boolean smallOk = prober.probe(keep, small, Duration.ofSeconds(5), new ProbeReport(), new ProbeLog("keep", small))
				.get(30, TimeUnit.SECONDS).success();
			long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			System.out.printf("RESULT probes=%d failed=%d refused=%d usedAfter=%d peak=%d max=%d smallProbe=%s loop=%s heapUsed=%d%n",
					count, failed, refused, usedAfter, memory.peak(), memory.max(), smallOk,
					(loop.failure() == null) ? "alive" : loop.failure().toString(), heapUsed);
		}
	}

}
