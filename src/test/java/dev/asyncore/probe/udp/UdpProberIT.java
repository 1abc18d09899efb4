package dev.asyncore.probe.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.echo.UdpEchoServer;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/** The udp prober against our own UDP echo listener, a silent socket and a chatty one. */
@Timeout(30)
class UdpProberIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private ReactorThread loop;

	private UdpProber prober;

	@BeforeEach
	void start() {
		this.loop = new ReactorThread("udp-prober-it");
		this.prober = new UdpProber(this.loop.reactor(), InetAddress::getAllByName, this.lookups,
				FetchPolicy.builder().allowPrivateNetworks(true).build());
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.lookups.shutdownNow();
	}

	private record Result(boolean success, ProbeReport report, String log, long millis) {
	}

	private Result probe(String udpSection, String target) throws Exception {
		Module<?> module = ModuleFile.parse("modules:\n  m:\n    prober: udp\n    timeout: 1s\n    udp:\n" + udpSection.indent(6), null, KINDS)
			.module("m");
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", target);
		long start = System.nanoTime();
		CompletableFuture<Boolean> outcome = this.loop
			.call(() -> this.prober.run(module.options(UdpOptions.KIND), target, module.effectiveTimeout(0, Duration.ZERO),
					report, log));
		boolean success = outcome.get(20, TimeUnit.SECONDS);
		return this.loop.call(() -> new Result(success, report, String.join("\n", log.lines()),
				(System.nanoTime() - start) / 1_000_000));
	}

	private int echo() throws Exception {
		return this.loop.call(() -> {
			UdpEchoServer server = new UdpEchoServer(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					new ListenerStats("echo-udp"));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	@Test
	void ourUdpEchoListenerAnswersThePayload() throws Exception {
		int port = echo();
		Result r = probe("""
				query_response:
				  - send: "ping 42"
				  - expect: "^ping (\\\\d+)$"
				    labels: [{name: n, value: "${1}"}]
				""", "127.0.0.1:" + port);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.report().value("probe_failed_due_to_regex")).isEqualTo(0.0);
		assertThat(r.report().value("probe_ip_protocol")).isEqualTo(4.0);
		assertThat(r.report().render()).contains("probe_expect_info{n=\"42\"} 1");
		assertThat(r.millis()).isLessThan(900L);
		Result bytes = probe("query_response:\n  - send: \"PING\"\n  - expect_bytes: \"PI\"\n", "127.0.0.1:" + port);
		assertThat(bytes.success()).as(bytes.log()).isTrue();
	}

	@Test
	void aTargetThatNeverRepliesFailsAtTheTimeout() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			Result r = probe("query_response:\n  - send: ping\n  - expect: pong\n", "127.0.0.1:" + silent.getLocalPort());
			assertThat(r.success()).isFalse();
			assertThat(r.millis()).isBetween(900L, 10_000L);
			assertThat(r.log()).contains("i/o timeout");
			DatagramPacket packet = new DatagramPacket(new byte[16], 16);
			silent.receive(packet);
			assertThat(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8)).isEqualTo("ping");
		}
	}

	@Test
	void repliesThatDoNotMatchAreSkippedUntilOneDoes() throws Exception {
		try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
			Thread answer = new Thread(() -> {
				try {
					DatagramPacket request = new DatagramPacket(new byte[64], 64);
					server.receive(request);
					for (String reply : new String[] { "noise", "more noise", "PONG ok" }) {
						byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
						server.send(new DatagramPacket(bytes, bytes.length, request.getSocketAddress()));
					}
				}
				catch (IOException ex) {
					// closed by the test
				}
			});
			answer.setDaemon(true);
			answer.start();
			Result r = probe("query_response:\n  - send: PING\n  - expect: \"^PONG\"\n", "127.0.0.1:" + server.getLocalPort());
			assertThat(r.success()).as(r.log()).isTrue();
			assertThat(r.log()).contains("Read line", "noise", "Regexp matched");
		}
	}

	@Test
	void aTargetWithoutAPortFails() throws Exception {
		Result r = probe("query_response:\n  - send: ping\n", "127.0.0.1");
		assertThat(r.success()).isFalse();
		assertThat(r.log()).contains("missing port");
	}

}
