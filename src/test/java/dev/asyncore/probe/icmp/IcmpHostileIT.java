package dev.asyncore.probe.icmp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.config.Module;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The icmp prober among hostile peers: a namespace whose kernel does not answer pings
 * ({@code icmp_echo_ignore_all}) and a raw socket of the test that answers with other identifiers,
 * other sequence numbers, other data, truncated and oversized messages, a bad checksum; replies
 * answered only in part (the loss threshold); another process pinging and spoofing replies at the
 * same time; and no permission for either socket. Assumes root (namespaces, raw sockets), except
 * the injected refusal of both sockets.
 */
@Timeout(60)
class IcmpHostileIT {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private ReactorThread loop;

	@BeforeEach
	void start() {
		this.loop = new ReactorThread("icmp-hostile-it");
	}

	private static void assumeRoot() {
		assumeTrue(Netns.available(), "needs root (raw sockets, network namespaces) and iproute2");
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.lookups.shutdownNow();
	}

	private record Probe(CompletableFuture<Boolean> outcome, ProbeReport report, ProbeLog log) {
	}

	private Probe begin(String section, String timeout, String target, IcmpSocket.Opener opener) throws Exception {
		Module<?> module = IcmpProberIT.module(section, timeout);
		IcmpProber prober = new IcmpProber(this.loop.reactor(), InetAddress::getAllByName, this.lookups,
				FetchPolicy.builder().allowPrivateNetworks(true).build(), opener);
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", target);
		CompletableFuture<Boolean> outcome = this.loop.call(() -> prober.run(module.options(IcmpOptions.KIND), target,
				module.effectiveTimeout(0, Duration.ZERO), report, log));
		return new Probe(outcome, report, log);
	}

	private String log(Probe probe) throws Exception {
		return this.loop.call(() -> String.join("\n", probe.log().lines()));
	}

	private double value(Probe probe, String name) throws Exception {
		return this.loop.call(() -> probe.report().value(name));
	}

	/** A namespace whose kernel does not answer echo requests; {@code datagram} also allows ping sockets. */
	private static Netns silentKernel(boolean datagram) throws Exception {
		Netns netns = Netns.create();
		netns.sysctl("net.ipv4.icmp_echo_ignore_all", "1");
		if (datagram) {
			netns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
		}
		return netns;
	}

	/** Every wrong answer to {@code request}; none of them may be taken for the reply. */
	private static List<byte[]> wrongAnswers(IcmpEcho request) {
		List<byte[]> wrong = new ArrayList<>();
		IpProtocol v4 = IpProtocol.IP4;
		byte[] data = request.data();
		wrong.add(RawPeer.reply(new IcmpEcho((request.identifier() + 1) & 0xffff, request.sequence(), data), v4));
		wrong.add(RawPeer.reply(new IcmpEcho(request.identifier(), (request.sequence() + 1) & 0xffff, data), v4));
		wrong.add(RawPeer.reply(new IcmpEcho(request.identifier(), (request.sequence() - 1) & 0xffff, data), v4));
		byte[] changed = data.clone();
		changed[0] ^= 1;
		wrong.add(RawPeer.reply(new IcmpEcho(request.identifier(), request.sequence(), changed), v4));
		wrong.add(RawPeer.reply(new IcmpEcho(request.identifier(), request.sequence(), Arrays.copyOf(data, data.length + 3000)), v4));
		wrong.add(RawPeer.reply(new IcmpEcho(request.identifier(), request.sequence(), Arrays.copyOf(data, 5)), v4));
		byte[] right = RawPeer.reply(request, v4);
		wrong.add(Arrays.copyOf(right, 6)); // shorter than an ICMP header
		wrong.add(request.request(v4)); // a request, not a reply
		byte[] badSum = right.clone();
		badSum[3] ^= 0x5a;
		wrong.add(badSum);
		return wrong;
	}

	private void answeredOnlyWrongly(boolean datagram) throws Exception {
		try (Netns netns = silentKernel(datagram);
				RawPeer peer = netns.inside(() -> new RawPeer(IcmpSocket::open, IpProtocol.IP4))) {
			IcmpSocket.Opener opener = netns.opener(IcmpSocket::open);
			Probe wrongOnly = begin("", "1500ms", "127.0.0.1", opener);
			RawPeer.Seen seen = peer.awaitRequest(LOOPBACK, Duration.ofSeconds(5));
			assertThat(seen).isNotNull();
			for (byte[] answer : wrongAnswers(seen.echo())) {
				peer.send(answer, LOOPBACK);
			}
			assertThat(wrongOnly.outcome().get(10, TimeUnit.SECONDS)).as(log(wrongOnly)).isFalse();
			assertThat(value(wrongOnly, "probe_icmp_packets_received_count")).isZero();
			assertThat(log(wrongOnly)).contains("Ignoring reply with other data", "Timeout reading from socket")
				.contains(datagram ? "Using an unprivileged datagram ICMP socket" : "Using a raw ICMP socket");

			peer.drain();
			Probe answered = begin("", "3s", "127.0.0.1", opener);
			seen = peer.awaitRequest(LOOPBACK, Duration.ofSeconds(5));
			assertThat(seen).isNotNull();
			for (byte[] answer : wrongAnswers(seen.echo())) {
				peer.send(answer, LOOPBACK);
			}
			peer.send(RawPeer.reply(seen.echo(), IpProtocol.IP4), LOOPBACK);
			assertThat(answered.outcome().get(10, TimeUnit.SECONDS)).as(log(answered)).isTrue();
			assertThat(value(answered, "probe_icmp_packets_received_count")).isEqualTo(1.0);
		}
	}

	@Test
	void aRawSocketTakesOnlyTheReplyWithItsIdentifierSequenceAndData() throws Exception {
		assumeRoot();
		answeredOnlyWrongly(false);
	}

	@Test
	void aDatagramSocketTakesOnlyTheReplyWithItsSequenceAndData() throws Exception {
		assumeRoot();
		answeredOnlyWrongly(true);
	}

	@Test
	void theLossThresholdDecidesSuccess() throws Exception {
		assumeRoot();
		try (Netns netns = silentKernel(false);
				RawPeer peer = netns.inside(() -> new RawPeer(IcmpSocket::open, IpProtocol.IP4))) {
			IcmpSocket.Opener opener = netns.opener(IcmpSocket::open);
			for (String threshold : new String[] { "max_packet_loss_percent: 50\n", "" }) {
				Probe probe = begin("packets: 4\ninterval: 100ms\n" + threshold, "1500ms", "127.0.0.1", opener);
				for (int i = 0; i < 4; i++) {
					RawPeer.Seen seen = peer.awaitRequest(LOOPBACK, Duration.ofSeconds(5));
					assertThat(seen).isNotNull();
					if (i % 2 == 0) {
						peer.send(RawPeer.reply(seen.echo(), IpProtocol.IP4), LOOPBACK);
						peer.send(RawPeer.reply(seen.echo(), IpProtocol.IP4), LOOPBACK); // a duplicate
					}
				}
				boolean success = probe.outcome().get(10, TimeUnit.SECONDS);
				assertThat(success).as(threshold + log(probe)).isEqualTo(!threshold.isEmpty());
				assertThat(value(probe, "probe_icmp_packets_sent_count")).isEqualTo(4.0);
				assertThat(value(probe, "probe_icmp_packets_received_count")).isEqualTo(2.0);
				assertThat(log(probe)).contains("Duplicate packet received");
			}
		}
	}

	@Test
	void anotherProcessPingingAndSpoofingRepliesAtTheSameTimeDoesNotMix() throws Exception {
		assumeRoot();
		String script = """
				import os, random, socket, struct, sys, time
				def csum(b):
				    if len(b) % 2: b += b'\\0'
				    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
				    while s >> 16: s = (s & 0xffff) + (s >> 16)
				    return ~s & 0xffff
				def msg(t, i, q, data):
				    h = struct.pack('!BBHHH', t, 0, 0, i, q)
				    return struct.pack('!BBHHH', t, 0, csum(h + data), i, q) + data
				s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
				ident = os.getpid() & 0xffff
				print('started', flush=True)
				end = time.time() + 20
				n = 0
				while time.time() < end:
				    n += 1
				    s.sendto(msg(8, ident, n & 0xffff, b'foreign ping'), ('127.0.0.1', 0))
				    s.sendto(msg(0, random.randrange(65536), random.randrange(65536), b'Prometheus Blackbox Exporter'), ('127.0.0.1', 0))
				    time.sleep(0.001)
				""";
		Process pinger = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
		try {
			BufferedReader out = new BufferedReader(new InputStreamReader(pinger.getInputStream(), StandardCharsets.UTF_8));
			assertThat(out.readLine()).isEqualTo("started");
			List<Probe> probes = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				probes.add(begin("packets: 3\ninterval: 20ms\n", "2s", "127.0.0.1", IcmpSocket::open));
			}
			for (Probe probe : probes) {
				assertThat(probe.outcome().get(10, TimeUnit.SECONDS)).as(log(probe)).isTrue();
				assertThat(value(probe, "probe_icmp_packets_received_count")).isEqualTo(3.0);
			}
			assertThat(pinger.isAlive()).as("the other process was pinging throughout").isTrue();
		}
		finally {
			pinger.destroy();
			pinger.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void withoutPermissionForEitherSocketTheProbeFailsNamingBoth() throws Exception {
		IcmpSocket.Opener refused = (family, kind) -> {
			throw new NativeError("socket", (kind == IcmpSocket.Kind.DATAGRAM) ? Libc.EACCES : Libc.EPERM);
		};
		Probe injected = begin("", "1s", "127.0.0.1", refused);
		assertThat(injected.outcome().get(10, TimeUnit.SECONDS)).isFalse();
		assertThat(log(injected)).contains("Error listening to socket", "net.ipv4.ping_group_range", "CAP_NET_RAW",
				"socket: permission denied", "socket: operation not permitted");
		assumeRoot(); // what follows makes a namespace and drops a capability the process has

		// the kernel's own refusals: the namespace's default ping_group_range ("1 0") and no CAP_NET_RAW on the loop thread
		try (Netns netns = Netns.create()) {
			Probe real = begin("", "1s", "127.0.0.1", netns.opener(Capabilities.withoutNetRaw(IcmpSocket::open)));
			assertThat(real.outcome().get(10, TimeUnit.SECONDS)).isFalse();
			assertThat(log(real)).contains("no permission to send ICMP", "net.ipv4.ping_group_range", "CAP_NET_RAW");
			Probe allowed = begin("", "1s", "127.0.0.1", netns.opener(IcmpSocket::open));
			assertThat(allowed.outcome().get(10, TimeUnit.SECONDS)).as("the capability is back").isTrue();
		}
	}

}
