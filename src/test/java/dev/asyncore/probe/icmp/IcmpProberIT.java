package dev.asyncore.probe.icmp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The icmp prober against the kernel's own echo replies: raw sockets on 127.0.0.1 and ::1 (as root),
 * datagram ping sockets in a network namespace that allows them, an address that never answers,
 * ttl, payload_size, dont_fragment, and fifty probes at once. Tests that create a namespace or need
 * a raw socket assume root; as root, all run.
 */
@Timeout(60)
class IcmpProberIT {

	private final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private ReactorThread loop;

	@BeforeEach
	void start() {
		this.loop = new ReactorThread("icmp-prober-it");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.lookups.shutdownNow();
	}

	record Result(boolean success, ProbeReport report, String log, long millis) {

		double value(String name) {
			Double value = this.report.value(name);
			assertThat(value).as(name + " in\n" + this.report.render()).isNotNull();
			return value;
		}

	}

	static Module<?> module(String icmpSection, String timeout) {
		return ModuleFile.parse("modules:\n  m:\n    prober: icmp\n    timeout: " + timeout + "\n    icmp:\n"
				+ ("preferred_ip_protocol: ip4\n" + icmpSection).indent(6), null, Probers.standard().kinds()).module("m");
	}

	Result probe(String icmpSection, String target, IcmpSocket.Opener opener) throws Exception {
		return start(icmpSection, "1s", target, opener).get();
	}

	/** A probe started on the loop; {@code get()} waits for it. */
	Pending start(String icmpSection, String timeout, String target, IcmpSocket.Opener opener) throws Exception {
		Module<?> module = module(icmpSection, timeout);
		IcmpProber prober = new IcmpProber(this.loop.reactor(), InetAddress::getAllByName, this.lookups,
				FetchPolicy.builder().allowPrivateNetworks(true).build(), opener);
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", target);
		long start = System.nanoTime();
		CompletableFuture<Boolean> outcome = this.loop.call(() -> prober.run(module.options(IcmpOptions.KIND), target,
				module.effectiveTimeout(0, Duration.ZERO), report, log));
		return new Pending(outcome, report, log, start);
	}

	final class Pending {

		final CompletableFuture<Boolean> outcome;

		private final ProbeReport report;

		private final ProbeLog log;

		private final long start;

		Pending(CompletableFuture<Boolean> outcome, ProbeReport report, ProbeLog log, long start) {
			this.outcome = outcome;
			this.report = report;
			this.log = log;
			this.start = start;
		}

		Result get() throws Exception {
			boolean success = this.outcome.get(30, TimeUnit.SECONDS);
			long millis = (System.nanoTime() - this.start) / 1_000_000;
			return IcmpProberIT.this.loop.call(() -> new Result(success, this.report, String.join("\n", this.log.lines()),
					millis));
		}

	}

	static void assumeRoot() {
		assumeTrue(Netns.available(), "needs root (raw sockets, network namespaces) and iproute2");
	}

	@Test
	void theKernelAnswersOnIpv4LoopbackThroughARawSocket() throws Exception {
		assumeRoot();
		Result r = probe("", "127.0.0.1", IcmpSocket::open);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.log()).contains("Using a raw ICMP socket", "Found matching reply packet");
		assertThat(r.value("probe_ip_protocol")).isEqualTo(4.0);
		assertThat(r.value("probe_icmp_reply_hop_limit")).isEqualTo(64.0);
		assertThat(r.value("probe_icmp_packets_sent_count")).isEqualTo(1.0);
		assertThat(r.value("probe_icmp_packets_received_count")).isEqualTo(1.0);
		assertThat(r.report().render()).containsPattern("probe_icmp_duration_seconds\\{phase=\"rtt\"} [0-9.e-]+\n")
			.contains("probe_icmp_duration_seconds{phase=\"resolve\"}", "probe_icmp_duration_seconds{phase=\"setup\"}",
					"probe_ip_addr_hash", "probe_dns_lookup_time_seconds")
			.doesNotContain("phase=\"rtt\"} 0\n");
		assertThat(r.millis()).isLessThan(900L);
	}

	@Test
	void theKernelAnswersOnIpv6Loopback() throws Exception {
		assumeRoot();
		Result r = probe("preferred_ip_protocol: ip6\n", "::1", IcmpSocket::open);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.value("probe_ip_protocol")).isEqualTo(6.0);
		assertThat(r.value("probe_icmp_reply_hop_limit")).isEqualTo(64.0);
		assertThat(r.value("probe_icmp_packets_received_count")).isEqualTo(1.0);
	}

	@Test
	void aNameIsResolvedByThePreferredProtocol() throws Exception {
		assumeRoot();
		Result r = probe("", "localhost", IcmpSocket::open);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.value("probe_ip_protocol")).isEqualTo(4.0);
		assertThat(r.log()).contains("ip=127.0.0.1");
	}

	@Test
	void datagramPingSocketsAreUsedWhereTheNamespaceAllowsThem() throws Exception {
		assumeRoot();
		try (Netns netns = Netns.create()) {
			netns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
			IcmpSocket.Opener opener = netns.opener(IcmpSocket::open);
			Result v4 = probe("", "127.0.0.1", opener);
			assertThat(v4.success()).as(v4.log()).isTrue();
			assertThat(v4.log()).contains("Using an unprivileged datagram ICMP socket").doesNotContain("raw");
			assertThat(v4.value("probe_icmp_reply_hop_limit")).isEqualTo(64.0);
			Result v6 = probe("preferred_ip_protocol: ip6\n", "::1", opener);
			assertThat(v6.success()).as(v6.log()).isTrue();
			assertThat(v6.log()).contains("Using an unprivileged datagram ICMP socket");
			assertThat(v6.value("probe_icmp_reply_hop_limit")).isEqualTo(64.0);
		}
	}

	@Test
	void anAddressThatNeverAnswersFailsAtTheTimeout() throws Exception {
		assumeRoot();
		try (Netns netns = Netns.create()) {
			netns.silentPeers();
			Result r = probe("", "10.250.0.2", netns.opener(IcmpSocket::open));
			assertThat(r.success()).isFalse();
			assertThat(r.millis()).as(r.log()).isBetween(900L, 5_000L);
			assertThat(r.log()).contains("Timeout reading from socket");
			assertThat(r.value("probe_icmp_packets_sent_count")).isEqualTo(1.0);
			assertThat(r.value("probe_icmp_packets_received_count")).isEqualTo(0.0);
			assertThat(r.report().names()).doesNotContain("probe_icmp_reply_hop_limit");
			Result v6 = probe("preferred_ip_protocol: ip6\n", "fd00:250::2", netns.opener(IcmpSocket::open));
			assertThat(v6.success()).isFalse();
			assertThat(v6.log()).contains("Timeout reading from socket");
		}
	}

	@Test
	void ttlAndPayloadSizeAreWhatTheRequestCarries() throws Exception {
		assumeRoot();
		try (Netns netns = Netns.create(); RawPeer peer = netns.inside(() -> new RawPeer(IcmpSocket::open,
				dev.asyncore.probe.config.IpProtocol.IP4))) {
			Result r = probe("ttl: 33\npayload_size: 300\n", "127.0.0.1", netns.opener(IcmpSocket::open));
			assertThat(r.success()).as(r.log()).isTrue();
			RawPeer.Seen seen = peer.awaitRequest(InetAddress.getByName("127.0.0.1"), Duration.ofSeconds(5));
			assertThat(seen).isNotNull();
			assertThat(seen.hopLimit()).isEqualTo(33);
			assertThat(seen.length()).isEqualTo(IcmpEcho.HEADER + 300);
			assertThat(new String(seen.echo().data(), 0, 28, java.nio.charset.StandardCharsets.US_ASCII))
				.isEqualTo("Prometheus Blackbox Exporter");
		}
	}

	@Test
	void dontFragmentRefusesWhatTheMtuCannotCarry() throws Exception {
		assumeRoot();
		try (Netns netns = Netns.create()) {
			netns.ip("link", "set", "lo", "mtu", "1300");
			IcmpSocket.Opener opener = netns.opener(IcmpSocket::open);
			Result fragmented = probe("payload_size: 1400\n", "127.0.0.1", opener);
			assertThat(fragmented.success()).as(fragmented.log()).isTrue();
			Result refused = probe("payload_size: 1400\ndont_fragment: true\n", "127.0.0.1", opener);
			assertThat(refused.success()).isFalse();
			assertThat(refused.log()).contains("Error writing to socket", "message too long");
			Result fits = probe("payload_size: 1200\ndont_fragment: true\n", "127.0.0.1", opener);
			assertThat(fits.success()).as(fits.log()).isTrue();
		}
	}

	/**
	 * The descriptors open once a probe has run (the poller's eventfd, classes loaded): the base line,
	 * perhaps with that probe's socket still open (the poller closes it soon after); a leak per probe
	 * is far more.
	 */
	private long descriptorsAfterOneProbe() throws Exception {
		assertThat(probe("", "127.0.0.1", IcmpSocket::open).success()).isTrue();
		return openDescriptors();
	}

	private static long openDescriptors() throws java.io.IOException {
		try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
			return fds.count();
		}
	}

	@Test
	void aCancelledProbeEndsAtOnceAndItsSocketIsClosed() throws Exception {
		assumeRoot();
		try (Netns netns = Netns.create()) {
			netns.silentPeers();
			long before = descriptorsAfterOneProbe();
			Module<?> module = module("", "10s");
			IcmpProber prober = new IcmpProber(this.loop.reactor(), InetAddress::getAllByName, this.lookups,
					FetchPolicy.builder().allowPrivateNetworks(true).build(), netns.opener(IcmpSocket::open));
			ProbeLog log = new ProbeLog("m", "10.250.0.2");
			CompletableFuture<Void> cancel = new CompletableFuture<>();
			CompletableFuture<Boolean> outcome = this.loop.call(() -> prober.run(module.options(IcmpOptions.KIND),
					"10.250.0.2", Duration.ofSeconds(10), new ProbeReport(), log, cancel));
			assertThat(this.loop.call(() -> {
				cancel.complete(null);
				return outcome.getNow(null);
			})).as("ended before complete(cancel) returned").isFalse();
			assertThat(this.loop.call(() -> String.join("\n", log.lines()))).contains("operation was canceled");
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() <= before);
		}
	}

	@Test
	void fiftyProbesAtOnceEachGetTheirOwnReply() throws Exception {
		assumeRoot();
		long before = descriptorsAfterOneProbe();
		List<Pending> pending = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String target = (i % 2 == 0) ? "127.0.0.1" : "::1";
			pending.add(start("payload_size: " + (40 + i) + "\npreferred_ip_protocol: " + ((i % 2 == 0) ? "ip4" : "ip6") + "\n",
					"2s", target, IcmpSocket::open));
		}
		java.util.Set<String> sequences = new java.util.HashSet<>();
		for (Pending p : pending) {
			Result r = p.get();
			assertThat(r.success()).as(r.log()).isTrue();
			assertThat(r.value("probe_icmp_packets_received_count")).isEqualTo(1.0);
			java.util.regex.Matcher sent = java.util.regex.Pattern.compile("Creating ICMP packet\" seq=(\\d+)").matcher(r.log());
			assertThat(sent.find()).as(r.log()).isTrue();
			assertThat(r.log()).contains("Found matching reply packet\" seq=" + sent.group(1) + " ");
			sequences.add(sent.group(1));
		}
		assertThat(sequences).hasSize(50);
		org.awaitility.Awaitility.await("every socket closed by the poller").atMost(Duration.ofSeconds(5))
			.until(() -> openDescriptors() <= before);
	}

	@Test
	void severalPacketsReportLossAndRoundTripStatistics() throws Exception {
		assumeRoot();
		Result r = probe("packets: 4\ninterval: 50ms\n", "127.0.0.1", IcmpSocket::open);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.value("probe_icmp_packets_sent_count")).isEqualTo(4.0);
		assertThat(r.value("probe_icmp_packets_received_count")).isEqualTo(4.0);
		double min = r.value("probe_icmp_duration_rtt_min_seconds");
		double max = r.value("probe_icmp_duration_rtt_max_seconds");
		assertThat(min).isPositive().isLessThanOrEqualTo(max);
		assertThat(r.value("probe_icmp_duration_rtt_stddev_seconds")).isBetween(0.0, max);
		assertThat(r.millis()).isBetween(150L, 900L);
		try (Netns netns = Netns.create()) {
			netns.silentPeers();
			Result lost = probe("packets: 3\ninterval: 100ms\nmax_packet_loss_percent: 100\n", "10.250.0.2",
					netns.opener(IcmpSocket::open));
			assertThat(lost.success()).as("no reply at all never succeeds").isFalse();
			assertThat(lost.value("probe_icmp_packets_sent_count")).isEqualTo(3.0);
			assertThat(lost.value("probe_icmp_packets_received_count")).isEqualTo(0.0);
		}
	}

}
