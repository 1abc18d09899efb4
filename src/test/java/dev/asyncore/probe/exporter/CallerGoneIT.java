package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A probe whose caller has gone ends at once and frees its slot, as blackbox_exporter's does (Go
 * cancels the request's context): its connection to the target and its timers are closed. The targets
 * never answer, and the modules have no timeout, so before this each probe held its slot for 120 s.
 */
@Timeout(60)
class CallerGoneIT {

	private static final int PROBES = 40;

	private ExporterFixture fixture;

	private ExporterFixture.SilentTarget silent;

	private DatagramSocket silentUdp;

	@BeforeEach
	void start() throws Exception {
		this.fixture = new ExporterFixture("caller-gone-it", PROBES, 0);
		this.silent = new ExporterFixture.SilentTarget();
		this.silentUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
	}

	@AfterEach
	void stop() throws Exception {
		this.silentUdp.close();
		this.silent.close();
		this.fixture.close();
	}

	/** The request of the i-th caller: http, tcp, udp and dns probes of targets that never answer. */
	private String request(int i) {
		String udp = "127.0.0.1:" + this.silentUdp.getLocalPort();
		String[][] kinds = { { "open", this.silent.url() }, { "tcp_open", this.silent.hostPort() }, { "udp_open", udp },
				{ "dns_open", udp } };
		String[] kind = kinds[i % kinds.length];
		return "GET /probe?module=" + kind[0] + "&target=" + URLEncoder.encode(kind[1], StandardCharsets.UTF_8)
				+ " HTTP/1.1\r\nHost: x\r\n\r\n";
	}

	private String freshProbe() throws IOException {
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed.close();
			return this.fixture.exchange(ExporterFixture.get("/probe?module=tcp_open&target=127.0.0.1:" + closed.getLocalPort()));
		}
	}

	@Test
	void whenCallersHangUpTheirProbesEndAtOnceAndAFreshProbeIsAnswered() throws Exception {
		List<Socket> callers = new ArrayList<>();
		for (int i = 0; i < PROBES; i++) {
			Socket caller = this.fixture.connect();
			caller.getOutputStream().write(request(i).getBytes(StandardCharsets.ISO_8859_1));
			callers.add(caller);
		}
		int tcpTargets = PROBES / 2; // the http and tcp callers, every second one
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.exporter.inFlight() == PROBES
				&& this.silent.accepted().size() == tcpTargets);
		assertThat(freshProbe()).as("every slot is taken").startsWith("HTTP/1.1 503 ");
		int openBefore = this.fixture.mapSize();
		long hangUp = System.nanoTime();
		for (int i = 0; i < PROBES; i++) {
			if (i % 3 == 0) {
				callers.get(i).setSoLinger(true, 0); // a reset; the others end with FIN
			}
			callers.get(i).close();
		}
		Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
			.until(() -> this.fixture.exporter.inFlight() == 0);
		long millis = (System.nanoTime() - hangUp) / 1_000_000;
		for (Socket target : this.silent.accepted()) {
			assertThat(ExporterFixture.peerClosed(target)).as("the prober closed its connection").isTrue();
		}
		String fresh = freshProbe();
		assertThat(fresh).startsWith("HTTP/1.1 200 ");
		assertThat(ExporterFixture.metric(fresh, "probe_success")).isEqualTo("0");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.fixture.mapSize() == 1);
		System.out.printf("caller gone: %d probes (http, tcp, udp, dns) of silent targets ended %d ms after their callers"
				+ " hung up; %d target connections closed; the next probe answered %s%n", PROBES, millis,
				this.silent.accepted().size(), fresh.substring(0, fresh.indexOf('\r')));
		assertThat(millis).as("slots freed within (ms)").isLessThan(2_000);
		assertThat(openBefore).as("listener, callers and probe sockets before").isGreaterThan(PROBES);
	}

	@Test
	void aClientThatHalfClosesAfterItsRequestsGetsTheirAnswersAtOnceAsFromBlackboxExporter() throws Exception {
		try (Socket caller = this.fixture.connect()) {
			String probe = "/probe?debug=true&module=open&target=" + URLEncoder.encode(this.silent.url(), StandardCharsets.UTF_8);
			caller.getOutputStream().write(("GET " + probe + " HTTP/1.1\r\nHost: x\r\n\r\nGET " + probe
					+ " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.exporter.inFlight() == 1);
			long start = System.nanoTime();
			caller.shutdownOutput();
			String answers = ExporterFixture.readAll(caller);
			long millis = (System.nanoTime() - start) / 1_000_000;
			assertThat(answers.split("HTTP/1.1 200 OK", -1)).as(answers).hasSize(3);
			assertThat(answers).contains("msg=\"Error for HTTP request\" err=\"operation was canceled\"",
					"msg=\"Error starting the probe\" err=\"context canceled: the caller has gone\"")
				.doesNotContain("<timeout>", "<reset>");
			System.out.printf("half-close: two pipelined probes answered %d ms after shutdownOutput%n", millis);
			assertThat(millis).isLessThan(3_000);
		}
		assertThat(this.fixture.exporter.inFlight()).isZero();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.silent.accepted().size() == 1
				&& ExporterFixture.peerClosed(this.silent.accepted().get(0)));
	}

}
