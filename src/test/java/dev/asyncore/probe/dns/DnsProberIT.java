package dev.asyncore.probe.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.probe.target.IpText;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The dns prober on a real loop against {@link FakeDnsServer} on loopback, friendly and hostile. */
@Timeout(60)
class DnsProberIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final String MODULES = """
			modules:
			  a:
			    prober: dns
			    dns: {query_name: www.example.test, query_type: A, preferred_ip_protocol: ip4}
			  a_tcp:
			    prober: dns
			    dns: {query_name: www.example.test, query_type: A, transport_protocol: tcp}
			  a_v6_only:
			    prober: dns
			    dns: {query_name: www.example.test, query_type: A, ip_protocol_fallback: false}
			  nx_ok:
			    prober: dns
			    dns: {query_name: nope.example.test, query_type: A, valid_rcodes: [NXDOMAIN]}
			  nx_bad:
			    prober: dns
			    dns: {query_name: nope.example.test, query_type: A}
			  a_must_be_9:
			    prober: dns
			    dns:
			      query_name: www.example.test
			      query_type: A
			      validate_answer_rrs:
			        fail_if_not_matches_regexp: ["www\\\\.example\\\\.test\\\\.\\t300\\tIN\\tA\\t192\\\\.0\\\\.2\\\\.9"]
			  a_one_of:
			    prober: dns
			    dns:
			      query_name: www.example.test
			      query_type: A
			      validate_answer_rrs:
			        fail_if_none_matches_regexp: ["^www\\\\.example\\\\.test\\\\.\\t300\\tIN\\tA\\t192\\\\.0\\\\.2\\\\.2$"]
			  soa:
			    prober: dns
			    dns: {query_name: example.test, query_type: SOA}
			""";

	/** For hostile peers: long enough to never fire on a slow machine before a reply that does come. */
	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Spoofed replies sent before waiting for the prober to read them: 50 small datagrams take
	 * about 50 KiB of receive buffer (a datagram's kernel size, not its 34 bytes), a quarter of
	 * Linux's default 208 KiB, so none is dropped however slow the loop is.
	 */
	private static final int SPOOFS_PER_BATCH = 50;

	/** For the cases that must end in the timeout. */
	private static final Duration SHORT = Duration.ofMillis(700);

	private final ModuleFile modules = ModuleFile.parse(MODULES, null, KINDS);

	private ReactorThread loop;

	private FakeDnsServer server;

	private ExecutorService lookups;

	private DnsProber prober;

	record Result(boolean success, ProbeReport report, List<String> log) {

		double gauge(String name) {
			Double value = this.report.value(name);
			assertThat(value).as(name).isNotNull();
			return value;
		}

		boolean logged(String text) {
			return this.log.stream().anyMatch(l -> l.contains(text));
		}

	}

	@BeforeEach
	void start() throws IOException {
		this.loop = new ReactorThread("dns-it");
		this.lookups = Executors.newSingleThreadExecutor();
		this.server = new FakeDnsServer();
		this.prober = prober(FetchPolicy.builder().allowPrivateNetworks(true).build(), InetAddress::getAllByName);
	}

	private DnsProber prober(FetchPolicy policy, Resolver resolver) {
		return new DnsProber(this.loop.reactor(), policy, resolver, this.lookups, new ProbeMemory(ProbeMemory.defaultMax()));
	}

	@AfterEach
	void stop() throws Exception {
		this.loop.close();
		if (this.server != null) {
			this.server.close();
		}
		this.lookups.shutdownNow();
		this.lookups.awaitTermination(5, TimeUnit.SECONDS);
	}

	private Result probe(String module, String target, Duration timeout) throws Exception {
		return probe(this.prober, module, target, timeout);
	}

	private Result probe(DnsProber with, String module, String target, Duration timeout) throws Exception {
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog(module, target);
		Module<?> m = this.modules.module(module);
		boolean success = this.loop.call(() -> with.run(m.options(DnsOptions.KIND), target, timeout, report, log)).get(30, TimeUnit.SECONDS);
		// every probe leaves the map as it found it: no socket outlives its probe
		assertThat(this.loop.call(() -> this.loop.reactor().size())).isZero();
		return new Result(success, report, log.lines());
	}

	@Test
	void whenTheServerHasTheRecordThenTheUdpProbeSucceedsWithBlackboxMetrics() throws Exception {
		Result r = probe("a", this.server.target(), TIMEOUT);
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_answer_rrs")).isEqualTo(2);
		assertThat(r.gauge("probe_dns_authority_rrs")).isZero();
		assertThat(r.gauge("probe_dns_additional_rrs")).isZero();
		assertThat(r.gauge("probe_dns_query_succeeded")).isEqualTo(1);
		assertThat(r.gauge("probe_dns_rcode")).isZero();
		assertThat(r.gauge("probe_ip_protocol")).isEqualTo(4);
		assertThat(r.gauge("probe_ip_addr_hash")).isEqualTo(IpText.hash(InetAddress.getByName("127.0.0.1")));
		assertThat(r.report().names()).contains("probe_dns_duration_seconds", "probe_dns_lookup_time_seconds")
			.doesNotContain("probe_dns_serial");
		assertThat(r.report().render()).contains("probe_dns_duration_seconds{phase=\"request\"}");
		assertThat(r.logged("Validating RR")).isTrue();
		assertThat(r.logged("www.example.test.\t300\tIN\tA\t192.0.2.1")).isTrue();
	}

	@Test
	void whenTheTransportIsTcpThenTheLengthFramedQuerySucceeds() throws Exception {
		Result r = probe("a_tcp", "127.0.0.1:" + this.server.port(), TIMEOUT);
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_answer_rrs")).isEqualTo(2);
		assertThat(r.logged("dial_protocol=tcp4")).isTrue();
	}

	@Test
	void whenTheNameDoesNotExistThenOnlyAModuleAcceptingNxdomainSucceeds() throws Exception {
		Result bad = probe("nx_bad", this.server.target(), TIMEOUT);
		assertThat(bad.success()).isFalse();
		assertThat(bad.gauge("probe_dns_rcode")).isEqualTo(3);
		assertThat(bad.gauge("probe_dns_query_succeeded")).isEqualTo(1);
		assertThat(bad.logged("Rcode is not one of the valid rcodes")).isTrue();
		assertThat(probe("nx_ok", this.server.target(), TIMEOUT).success()).isTrue();
	}

	@Test
	void whenTheAnswerDoesNotMatchTheRegexpThenTheProbeFails() throws Exception {
		Result r = probe("a_must_be_9", this.server.target(), TIMEOUT);
		assertThat(r.success()).isFalse();
		assertThat(r.logged("At least one RR did not match regexp")).isTrue();
		assertThat(r.logged("Answer RRs validation failed")).isTrue();
		assertThat(probe("a_one_of", this.server.target(), TIMEOUT).success()).isTrue();
	}

	@Test
	void whenTheQueryIsForSoaThenTheSerialIsReported() throws Exception {
		Result r = probe("soa", this.server.target(), TIMEOUT);
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_serial")).isEqualTo(2024123101.0);
	}

	@Test
	void whenRepliesWithOtherIdsComeFirstThenTheyAreIgnoredAndTheRightOneCounts() throws Exception {
		assumeTrue(FakeDnsServer.canSeeReceiveQueues(), "needs /proc/net/udp to pace the flood");
		this.server.behave(query -> {
			List<FakeDnsServer.Reply> replies = new ArrayList<>();
			for (int i = 1; i <= 500; i++) { // a flood of spoofed replies: read and dropped, nothing kept
				Message spoof = FakeDnsServer.reply(query);
				spoof.getHeader().setID((query.getHeader().getID() + i) & 0xffff);
				replies.add(FakeDnsServer.Reply.of(spoof));
				if (i % SPOOFS_PER_BATCH == 0) {
					replies.add(FakeDnsServer.Reply.READ_SO_FAR);
				}
			}
			// the right one only once the prober has read every spoof: the kernel cannot drop it
			replies.add(FakeDnsServer.Reply.of(FakeDnsServer.zoneAnswer(query)));
			return replies;
		});
		Result r = probe("a", this.server.target(), TIMEOUT);
		assertThat(this.server.barriersPassed()).as("batches of spoofs the prober read and went on reading")
			.isEqualTo(500 / SPOOFS_PER_BATCH);
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_answer_rrs")).as("the right reply, not an empty spoof").isEqualTo(2);
		assertThat(r.log().stream().filter(l -> l.contains("Ignoring a datagram"))).hasSizeLessThanOrEqualTo(3).isNotEmpty();
	}

	@Test
	void whenOnlyAReplyWithAnotherIdComesThenTheProbeTimesOut() throws Exception {
		this.server.behave(query -> {
			Message spoof = FakeDnsServer.zoneAnswer(query);
			spoof.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
			return List.of(FakeDnsServer.Reply.of(spoof));
		});
		Result r = probe("a", this.server.target(), SHORT);
		assertThat(r.success()).isFalse();
		assertThat(r.logged("i/o timeout after ignoring 1 datagram")).isTrue();
		assertThat(r.gauge("probe_dns_query_succeeded")).isZero();
	}

	@Test
	void whenAReplyComesFromAnotherPortThenTheConnectedSocketNeverSeesIt() throws Exception {
		this.server.behave(query -> {
			Message wrong = FakeDnsServer.reply(query); // NXDOMAIN-free but empty: it would fail a_one_of if taken
			return List.of(FakeDnsServer.Reply.fromOtherPort(wrong), FakeDnsServer.Reply.of(FakeDnsServer.zoneAnswer(query)));
		});
		assertThat(probe("a_one_of", this.server.target(), TIMEOUT).success()).isTrue();
		this.server.behave(query -> List.of(FakeDnsServer.Reply.fromOtherPort(FakeDnsServer.zoneAnswer(query))));
		Result r = probe("a", this.server.target(), SHORT);
		assertThat(r.success()).isFalse();
		assertThat(r.logged("i/o timeout")).isTrue();
		assertThat(r.logged("Ignoring")).isFalse(); // the kernel dropped it: the prober never read it
	}

	@Test
	void whenTheServerAnswersGarbageThenTheProbeFailsWithAReason() throws Exception {
		this.server.behave(query -> List.of(FakeDnsServer.Reply.of("garbage, not DNS at all".getBytes())));
		Result stray = probe("a", this.server.target(), SHORT);
		assertThat(stray.success()).isFalse();
		assertThat(stray.logged("is not the query's")).isTrue();
		this.server.behave(query -> {
			byte[] wire = FakeDnsServer.zoneAnswer(query).toWire();
			Arrays.fill(wire, 12, wire.length, (byte) 0xff); // the right header, then garbage
			return List.of(FakeDnsServer.Reply.of(wire));
		});
		Result broken = probe("a", this.server.target(), TIMEOUT);
		assertThat(broken.success()).isFalse();
		assertThat(broken.logged("cannot decode the reply")).isTrue();
		assertThat(broken.gauge("probe_dns_query_succeeded")).isZero();
	}

	@Test
	void whenTheReplyIsTruncatedThenItIsJudgedAsItIsLikeBlackboxDoes() throws Exception {
		this.server.behave(query -> {
			Message truncated = FakeDnsServer.reply(query);
			truncated.getHeader().setFlag(Flags.TC);
			return List.of(FakeDnsServer.Reply.of(truncated));
		});
		Result plain = probe("a", this.server.target(), TIMEOUT);
		assertThat(plain.success()).isTrue(); // NOERROR and no checks: blackbox_exporter 0.23 passes it too
		assertThat(plain.logged("truncated (TC bit)")).isTrue();
		assertThat(probe("a_one_of", this.server.target(), TIMEOUT).success()).isFalse();
	}

	@Test
	void whenAUdpReplyIsOversizedThenTheProbeFails() throws Exception {
		this.server.behave(query -> List.of(FakeDnsServer.Reply.of(big(query))));
		Result udp = probe("a", this.server.target(), TIMEOUT);
		assertThat(udp.success()).isFalse();
		assertThat(udp.logged("exceeds 512")).isTrue();
		assertThat(probe("a_tcp", this.server.target(), TIMEOUT).success()).isTrue(); // TCP carries it
	}

	@Test
	void whenTheProbeMemoryBudgetHasNoRoomForATcpReplyThenTheProbeFailsWithTheReason() throws Exception {
		ProbeMemory memory = new ProbeMemory(1 << 20);
		ProbeMemory.Lease[] hogs = { memory.lease(), memory.lease(), memory.lease(), memory.lease() };
		for (ProbeMemory.Lease hog : hogs) {
			hog.reserve(memory.share() - 10_000, "the test's hog"); // 40,000 bytes left for the probe
		}
		DnsProber tight = new DnsProber(this.loop.reactor(), FetchPolicy.builder().allowPrivateNetworks(true).build(),
				InetAddress::getAllByName, this.lookups, memory);
		this.server.behave(query -> List.of(FakeDnsServer.Reply.of(big(query))));
		Result refused = probe(tight, "a_tcp", this.server.target(), TIMEOUT);
		assertThat(refused.success()).isFalse();
		assertThat(refused.logged("probe memory: the DNS reply needs")).isTrue();
		assertThat(memory.used()).isEqualTo(4 * (memory.share() - 10_000));
		hogs[0].close();
		assertThat(probe(tight, "a_tcp", this.server.target(), TIMEOUT).success()).isTrue();
		assertThat(memory.used()).isEqualTo(3 * (memory.share() - 10_000));
	}

	private static Message big(Message query) throws IOException {
		Message reply = FakeDnsServer.zoneAnswer(query);
		for (int i = 0; i < 200; i++) { // about 50 KiB
			reply.addRecord(new TXTRecord(FakeDnsServer.WWW, DClass.IN, 60, "x".repeat(250)), Section.ADDITIONAL);
		}
		return reply;
	}

	@Test
	void whenATcpServerMisbehavesThenEachIsAFailureWithAReason() throws Exception {
		this.server.behave(query -> List.of(FakeDnsServer.Reply.raw(new byte[] { (byte) 0xff, (byte) 0xff, 1, 2, 3 })));
		Result cut = probe("a_tcp", this.server.target(), TIMEOUT);
		assertThat(cut.success()).isFalse();
		assertThat(cut.logged("closed the connection in a 65535-byte message")).isTrue();

		this.server.behave(query -> List.of(FakeDnsServer.Reply.raw(new byte[] { 0, 0 })));
		assertThat(probe("a_tcp", this.server.target(), TIMEOUT).logged("zero-length")).isTrue();

		this.server.behave(query -> {
			Message spoof = FakeDnsServer.zoneAnswer(query);
			spoof.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
			return List.of(FakeDnsServer.Reply.of(spoof));
		});
		Result wrongId = probe("a_tcp", this.server.target(), TIMEOUT);
		assertThat(wrongId.success()).isFalse();
		assertThat(wrongId.logged("is not the query's")).isTrue();

		this.server.behave(query -> List.of());
		Result silent = probe("a_tcp", this.server.target(), SHORT);
		assertThat(silent.success()).isFalse();
		assertThat(silent.logged("i/o timeout")).isTrue();

		this.server.behave(FakeDnsServer::zone);
		assertThat(probe("a_tcp", this.server.target(), TIMEOUT).success()).isTrue(); // the loop still serves
	}

	@Test
	void whenNothingAnswersThenTheProbeFailsAtTheTimeoutOrAtOnceOnARefusal() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			long start = System.nanoTime();
			Result r = probe("a", "127.0.0.1:" + silent.getLocalPort(), SHORT);
			assertThat(r.success()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
			assertThat(r.logged("i/o timeout")).isTrue();
		}
		int closed;
		try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			closed = gone.getLocalPort();
		}
		Result refused = probe("a", "127.0.0.1:" + closed, TIMEOUT);
		assertThat(refused.success()).isFalse();
		assertThat(refused.logged("connection refused")).isTrue();
		Result tcpRefused = probe("a_tcp", "127.0.0.1:" + closed, TIMEOUT);
		assertThat(tcpRefused.success()).isFalse();
		assertThat(tcpRefused.logged("Error while sending a DNS query")).isTrue();
	}

	@Test
	void whenTheTargetIsANameThenItIsLookedUpOffTheLoopWithTheFamilyRules() throws Exception {
		Resolver resolver = host -> {
			if (!host.equals("dns.test")) {
				throw new UnknownHostException(host);
			}
			return new InetAddress[] { InetAddress.getByName("127.0.0.1") };
		};
		DnsProber named = prober(FetchPolicy.builder().allowPrivateNetworks(true).build(), resolver);
		Result r = probe(named, "a_tcp", "dns.test:" + this.server.port(), TIMEOUT);
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_ip_protocol")).isEqualTo(4); // ip6 preferred, fell back
		Result v6 = probe(named, "a_v6_only", "dns.test:" + this.server.port(), TIMEOUT);
		assertThat(v6.success()).isFalse();
		assertThat(v6.logged("unable to find ip; no fallback")).isTrue();
		Result unknown = probe(named, "a", "nowhere.test:" + this.server.port(), TIMEOUT);
		assertThat(unknown.success()).isFalse();
		assertThat(unknown.logged("Resolution with IP protocol failed")).isTrue();
	}

	@Test
	void whenTheTargetHasAnEmptyHostThenItIsNoSuchHostAndNoQueryIsSent() throws Exception {
		// as Go's resolver refuses "" in blackbox_exporter 0.23; ours took it for the loopback
		Result r = probe("a", ":" + this.server.port(), TIMEOUT);
		assertThat(r.success()).isFalse();
		assertThat(r.logged("lookup : no such host")).isTrue();
		assertThat(this.server.queries()).isZero();
	}

	@Test
	void whenThePolicyRefusesPrivateAddressesThenNoQueryIsSent() throws Exception {
		DnsProber strict = prober(FetchPolicy.builder().allowPrivateNetworks(false).build(), InetAddress::getAllByName);
		Result r = probe(strict, "a", this.server.target(), TIMEOUT);
		assertThat(r.success()).isFalse();
		assertThat(r.logged("refused by the probe policy")).isTrue();
		assertThat(this.server.queries()).isZero();
	}

	@Test
	void whenTheTargetHasNoPortThen53IsUsed() {
		assertThat(IpLiteral.parse("127.0.0.1")).isNotNull();
		assertThat(IpLiteral.parse("::1")).isNotNull();
		assertThat(IpLiteral.parse("999.0.0.1")).isNull();
		assertThat(IpLiteral.parse("dns.example")).isNull();
	}

}
