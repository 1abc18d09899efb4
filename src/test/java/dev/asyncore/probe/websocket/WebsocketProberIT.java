package dev.asyncore.probe.websocket;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The websocket prober on a real loop against a hand-written websocket server on loopback: the cases
 * of blackbox_exporter's {@code TestProbeWebsocket} (a dialogue that passes, one whose expect fails,
 * wss with credentials and headers, ip4), then the handshake and framing cases it leaves to gorilla.
 */
@Timeout(120)
class WebsocketProberIT {

	private static final String MODULES = """
			modules:
			  dialogue:
			    prober: websocket
			    timeout: 10s
			    websocket:
			      query_response:
			        - expect: "incoming_(.+)"
			          send: "outgoing_${1}"
			        - expect: "^passed"
			  other:
			    prober: websocket
			    timeout: 10s
			    websocket:
			      query_response:
			        - expect: "incoming_(.+)"
			          send: "outgoing_${1}"
			        - expect: "^someotherstring"
			  secure:
			    prober: websocket
			    timeout: 10s
			    websocket:
			      http_config:
			        authorization: {credentials: test_token}
			        tls_config: {insecure_skip_verify: true}
			      headers:
			        X-Should-Be-Sent: {values: ["true"]}
			  ip4:
			    prober: websocket
			    timeout: 10s
			    websocket:
			      preferred_ip_protocol: ip4
			      query_response:
			        - expect: "incoming_(.+)"
			          send: "outgoing_${1}"
			        - expect: "^passed"
			  plain:
			    prober: websocket
			    timeout: 10s
			  one:
			    prober: websocket
			    timeout: 10s
			    websocket:
			      query_response:
			        - expect: "^hello world$"
			""";

	private final ReactorThread loop = new ReactorThread("websocket-it");

	private final ExecutorService lookups = Executors.newCachedThreadPool();

	private WsPeer peer;

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws Exception {
		if (this.peer != null) {
			this.peer.close();
		}
		this.lookups.shutdownNow();
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	record Probe(boolean success, ProbeReport report, String log) {

		double metric(String name) {
			Double value = this.report.value(name);
			assertThat(value).as(name + " in\n" + this.report.render()).isNotNull();
			return value;
		}

	}

	private Probe probe(String module, String target) throws Exception {
		WebsocketOptions options = ModuleFile.parse(MODULES, this.dir, Probers.standard().kinds()).module(module)
			.options(WebsocketOptions.KIND);
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		WebsocketProber prober = new WebsocketProber(this.loop.reactor(), InetAddress::getAllByName, this.lookups, policy,
				new ProbeMemory(64L << 20));
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog(module, target);
		boolean success = this.loop.call(() -> prober.run(options, target, Duration.ofSeconds(10), report, log,
				new java.util.concurrent.CompletableFuture<Void>())).get(30, TimeUnit.SECONDS);
		return new Probe(success, report, String.join("\n", log.lines()));
	}

	private String url(String path) {
		return "ws://127.0.0.1:" + this.peer.port() + path;
	}

	private static void upstreamsServer(WsPeer.Connection connection) throws java.io.IOException {
		connection.text("incoming_test");
		String message = connection.readFrame();
		if (message.equals("1:outgoing_test")) {
			connection.text("passed");
		}
	}

	@Test
	void upstreamsDialoguePassesWithItsMetrics() throws Exception {
		this.peer = new WsPeer(null, WsPeer.Handshake.GOOD, WebsocketProberIT::upstreamsServer);
		for (String module : List.of("dialogue", "ip4")) {
			Probe probe = probe(module, url("/socket?x=1"));
			assertThat(probe.success()).as(probe.log()).isTrue();
			assertThat(probe.metric("probe_websocket_status_code")).isEqualTo(101);
			assertThat(probe.metric("probe_websocket_connection_upgraded")).isEqualTo(1);
			assertThat(probe.metric("probe_websocket_failed_due_to_regex")).isZero();
			assertThat(probe.metric("probe_ip_protocol")).isEqualTo(4);
			assertThat(probe.report().render()).contains("probe_websocket_duration_seconds{phase=\"resolve\"}",
					"probe_websocket_duration_seconds{phase=\"connect\"}", "probe_websocket_duration_seconds{phase=\"processing\"}",
					"probe_websocket_duration_seconds{phase=\"transfer\"}");
		}
		assertThat(List.copyOf(this.peer.read())).containsExactly("1:outgoing_test", "1:outgoing_test");
		String head = this.peer.heads().peek();
		assertThat(head).startsWith("GET /socket?x=1 HTTP/1.1\r\n").contains("Host: 127.0.0.1:" + this.peer.port() + "\r\n",
				"Upgrade: websocket\r\n", "Connection: Upgrade\r\n", "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Key: ");
	}

	@Test
	void anExpectThatDoesNotMatchFailsByRegex() throws Exception {
		this.peer = new WsPeer(null, WsPeer.Handshake.GOOD, WebsocketProberIT::upstreamsServer);
		Probe probe = probe("other", url("/"));
		assertThat(probe.success()).isFalse();
		assertThat(probe.metric("probe_websocket_status_code")).isEqualTo(101);
		assertThat(probe.metric("probe_websocket_connection_upgraded")).isEqualTo(1);
		assertThat(probe.metric("probe_websocket_failed_due_to_regex")).isEqualTo(1);
		assertThat(probe.log()).contains("Regexp did not match", "^someotherstring", "passed");
	}

	@Test
	void wssSendsTheCredentialsAndHeaders() throws Exception {
		Path store = TestCertificates.generate(this.dir, "ws", "dns:localhost");
		this.peer = new WsPeer(TestCertificates.serving(store), WsPeer.Handshake.GOOD, connection -> {
		});
		Probe probe = probe("secure", "wss://127.0.0.1:" + this.peer.port() + "/");
		assertThat(probe.success()).as(probe.log()).isTrue();
		assertThat(probe.metric("probe_websocket_status_code")).isEqualTo(101);
		assertThat(probe.metric("probe_websocket_connection_upgraded")).isEqualTo(1);
		assertThat(this.peer.heads().peek()).contains("Authorization: Bearer test_token\r\n", "X-Should-Be-Sent: true\r\n");
		assertThat(probe.report().render()).as("no transfer without query_response")
			.contains("probe_websocket_duration_seconds{phase=\"processing\"}")
			.doesNotContain("phase=\"transfer\"");
	}

	@Test
	void wssVerifiesTheCertificateUnlessTold() throws Exception {
		Path store = TestCertificates.generate(this.dir, "ws", "dns:localhost");
		this.peer = new WsPeer(TestCertificates.serving(store), WsPeer.Handshake.GOOD, connection -> {
		});
		Probe probe = probe("plain", "wss://127.0.0.1:" + this.peer.port() + "/");
		assertThat(probe.success()).isFalse();
		assertThat(probe.metric("probe_websocket_connection_upgraded")).isZero();
		assertThat(probe.log()).contains("Error dialing websocket");
	}

	@Test
	void aServerThatDoesNotUpgradeOrAnswersTheWrongKeyFails() throws Exception {
		this.peer = new WsPeer(null, WsPeer.Handshake.NOT_UPGRADED, connection -> {
		});
		Probe notUpgraded = probe("plain", url("/"));
		assertThat(notUpgraded.success()).isFalse();
		assertThat(notUpgraded.metric("probe_websocket_status_code")).isEqualTo(200);
		assertThat(notUpgraded.metric("probe_websocket_connection_upgraded")).isZero();
		assertThat(notUpgraded.log()).contains("Error dialing websocket", "websocket: bad handshake");
		this.peer.close();
		this.peer = new WsPeer(null, WsPeer.Handshake.WRONG_ACCEPT, connection -> {
		});
		Probe wrongKey = probe("plain", url("/"));
		assertThat(wrongKey.success()).isFalse();
		assertThat(wrongKey.metric("probe_websocket_status_code")).isEqualTo(101);
		assertThat(wrongKey.metric("probe_websocket_connection_upgraded")).isZero();
	}

	@Test
	void fragmentsAreJoinedAndPingsAnswered() throws Exception {
		this.peer = new WsPeer(null, WsPeer.Handshake.GOOD, connection -> {
			connection.frame(true, 0x9, "are you there".getBytes());
			connection.frame(false, 0x1, "hello ".getBytes());
			connection.frame(true, 0x0, "world".getBytes());
			connection.readFrame(); // the pong
		});
		Probe probe = probe("one", url("/"));
		assertThat(probe.success()).as(probe.log()).isTrue();
		Awaitility.await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(List.copyOf(this.peer.read())).as("the pong").containsExactly("10:are you there"));
	}

	@Test
	void aCloseFrameOrAnOversizedMessageFailsTheStep() throws Exception {
		this.peer = new WsPeer(null, WsPeer.Handshake.GOOD, connection -> connection.frame(true, 0x8,
				new byte[] { 0x03, (byte) 0xE8, 'b', 'y', 'e' }));
		Probe closed = probe("one", url("/"));
		assertThat(closed.success()).isFalse();
		assertThat(closed.metric("probe_websocket_failed_due_to_regex")).isEqualTo(1);
		assertThat(closed.log()).contains("Error reading message", "websocket: close 1000 bye");
		this.peer.close();
		this.peer = new WsPeer(null, WsPeer.Handshake.GOOD,
				connection -> connection.frame(true, 0x1, new byte[WebsocketDialogue.MAX_MESSAGE + 1]));
		Probe oversized = probe("one", url("/"));
		assertThat(oversized.success()).isFalse();
		assertThat(oversized.log()).contains("websocket: read limit exceeded");
	}

	@Test
	void aTargetThatIsNotAWebsocketUrlFails() throws Exception {
		Probe probe = probe("plain", "http://127.0.0.1:1/");
		assertThat(probe.success()).isFalse();
		assertThat(probe.log()).contains("Could not parse target URL", "malformed ws or wss URL");
	}

	@Test
	void theSectionIsReadStrictly() {
		String head = "modules:\n  m:\n    prober: websocket\n    websocket:\n";
		assertThatThrownBy(() -> ModuleFile.parse(head + "      query_response: [{expect: a, starttls: true}]\n", null,
				Probers.standard().kinds()))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessageStartingWith("modules.m.websocket.query_response[0]");
		assertThatThrownBy(() -> ModuleFile.parse(head + "      http_config: {follow_redirect: true}\n", null,
				Probers.standard().kinds()))
			.hasMessageContaining("modules.m.websocket.http_config.follow_redirect: unknown key");
		assertThat(ModuleFile.parse(head + "      http_config: {proxy_url: \"http://p:3128\"}\n", null, Probers.standard().kinds())
			.module("m").unavailable()).contains("modules.m.websocket.http_config.proxy_url");
	}

}
