package dev.asyncore.probe.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dns prober's {@code dns_over_tls} on a real loop against {@link FakeDnsServer} speaking TLS on
 * loopback with a certificate made at test time: trusted through {@code ca_file}, untrusted,
 * skipped, a {@code server_name} it does not match, a server that breaks off.
 */
@Timeout(60)
class DnsOverTlsIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@TempDir
	static Path dir;

	private static SSLContext serverTls;

	private static ModuleFile modules;

	private ReactorThread loop;

	private FakeDnsServer server;

	private ExecutorService lookups;

	private DnsProber prober;

	@BeforeAll
	static void certificates() throws Exception {
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		serverTls = TestCertificates.serving(store);
		TestCertificates.writePem(store, dir.resolve("ca.pem"));
		StringBuilder yaml = new StringBuilder("modules:\n");
		Map<String, String> tlsConfigs = new LinkedHashMap<>();
		tlsConfigs.put("dot", "{ca_file: ca.pem}");
		tlsConfigs.put("dot_named", "{ca_file: ca.pem, server_name: localhost}");
		tlsConfigs.put("dot_system_trust", "{}");
		tlsConfigs.put("dot_insecure", "{insecure_skip_verify: true, server_name: elsewhere.example}");
		tlsConfigs.put("dot_wrong_name", "{ca_file: ca.pem, server_name: elsewhere.example}");
		tlsConfigs.put("dot_tls13", "{ca_file: ca.pem, min_version: TLS13}");
		tlsConfigs.forEach((name, tls) -> yaml.append("  ").append(name).append(":\n    prober: dns\n    dns:\n")
			.append("      {query_name: www.example.test, query_type: A, transport_protocol: tcp, dns_over_tls: true,\n")
			.append("       tls_config: ").append(tls).append("}\n"));
		Path file = Files.writeString(dir.resolve("blackbox.yml"), yaml);
		modules = ModuleFile.read(file, KINDS); // ca.pem is relative to the module file
	}

	@BeforeEach
	void start() throws IOException {
		this.loop = new ReactorThread("dot-it");
		this.lookups = Executors.newSingleThreadExecutor();
		this.server = new FakeDnsServer(serverTls);
		this.prober = new DnsProber(this.loop.reactor(), FetchPolicy.builder().allowPrivateNetworks(true).build(),
				InetAddress::getAllByName, this.lookups, new ProbeMemory(ProbeMemory.defaultMax()));
	}

	@AfterEach
	void stop() throws Exception {
		this.loop.close();
		this.server.close();
		this.lookups.shutdownNow();
		this.lookups.awaitTermination(5, TimeUnit.SECONDS);
	}

	private DnsProberIT.Result probe(String module, String target) throws Exception {
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog(module, target);
		Module<?> m = modules.module(module);
		boolean success = this.loop.call(() -> this.prober.run(m.options(DnsOptions.KIND), target, TIMEOUT, report, log)).get(30, TimeUnit.SECONDS);
		// every probe leaves the map as it found it: no socket outlives its probe
		assertThat(this.loop.call(() -> this.loop.reactor().size())).isZero();
		return this.loop.call(() -> new DnsProberIT.Result(success, report, log.lines()));
	}

	@Test
	void whenTheCertificateIsTrustedThroughCaFileThenTheQueryGoesOverTls() throws Exception {
		DnsProberIT.Result r = probe("dot", this.server.target());
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_answer_rrs")).isEqualTo(2);
		assertThat(r.gauge("probe_dns_query_succeeded")).isEqualTo(1);
		assertThat(r.logged("dial_protocol=tcp4-tls")).isTrue();
		assertThat(r.report().render()).contains("probe_dns_duration_seconds{phase=\"connect\"}");
		// blackbox_exporter 0.23's dns prober reports no certificate gauges, nor do we for it
		assertThat(r.report().names()).doesNotContain("probe_ssl_earliest_cert_expiry", "probe_tls_version_info");
		assertThat(this.server.queries()).isEqualTo(1);
		// the target's host is what the certificate must match; server_name replaces it
		assertThat(probe("dot", "localhost:" + this.server.port()).success()).isTrue();
		assertThat(probe("dot_named", this.server.target()).success()).isTrue();
		assertThat(probe("dot_tls13", this.server.target()).success()).isTrue();
	}

	@Test
	void whenTheCertificateIsNotTrustedThenTheHandshakeFailsWithTheReasonAndNoQueryLeaves() throws Exception {
		DnsProberIT.Result r = probe("dot_system_trust", this.server.target());
		assertThat(r.success()).isFalse();
		assertThat(r.logged("Error while sending a DNS query")).isTrue();
		assertThat(r.logged("TLS handshake failed: certificate verification failed")).isTrue();
		assertThat(r.gauge("probe_dns_query_succeeded")).isZero();
		assertThat(this.server.queries()).isZero();
	}

	@Test
	void whenInsecureSkipVerifyIsSetThenAnyCertificateAndNameAreAccepted() throws Exception {
		DnsProberIT.Result r = probe("dot_insecure", this.server.target());
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_answer_rrs")).isEqualTo(2);
	}

	@Test
	void whenServerNameDoesNotMatchTheCertificateThenTheProbeFails() throws Exception {
		DnsProberIT.Result r = probe("dot_wrong_name", this.server.target());
		assertThat(r.success()).isFalse();
		assertThat(r.logged("certificate verification failed")).isTrue();
		assertThat(r.logged("elsewhere.example")).isTrue();
		assertThat(this.server.queries()).isZero();
	}

	@Test
	void whenTheServerClosesInTheMiddleOfTheReplyThenTheProbeFailsWithAReason() throws Exception {
		this.server.behave(query -> List.of(FakeDnsServer.Reply.raw(new byte[] { 0x01, 0x00, 1, 2, 3 })));
		DnsProberIT.Result cut = probe("dot", this.server.target());
		assertThat(cut.success()).isFalse();
		assertThat(cut.logged("the server closed the connection in a 256-byte message")).isTrue();
		assertThat(cut.gauge("probe_dns_query_succeeded")).isZero();

		this.server.behave(FakeDnsServer::zone);
		assertThat(probe("dot", this.server.target()).success()).isTrue(); // the loop still serves
	}

	@Test
	void whenThePeerClosesDuringTheHandshakeThenTheProbeFailsWithAReason() throws Exception {
		try (ServerSocket closing = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
			Thread closer = new Thread(() -> {
				try (Socket s = closing.accept()) {
					// accepted and closed at once: the ClientHello finds no TLS server
				}
				catch (IOException ex) {
					// the test ended first
				}
			});
			closer.start();
			DnsProberIT.Result r = probe("dot", "127.0.0.1:" + closing.getLocalPort());
			closer.join(10_000);
			assertThat(r.success()).isFalse();
			assertThat(r.log().stream().filter(l -> l.contains("Error while sending a DNS query"))).singleElement()
				.asString()
				.containsAnyOf("during the TLS handshake", "TLS handshake failed");
		}
	}

	@Test
	void whenTheReplySpansSeveralTlsRecordsThenItIsReadWhole() throws Exception {
		this.server.behave(query -> {
			Message reply = FakeDnsServer.zoneAnswer(query);
			for (int i = 0; i < 200; i++) { // about 50 KiB: four TLS records at least
				reply.addRecord(new TXTRecord(FakeDnsServer.WWW, DClass.IN, 60, "x".repeat(250)), Section.ADDITIONAL);
			}
			return List.of(FakeDnsServer.Reply.of(reply));
		});
		DnsProberIT.Result r = probe("dot", this.server.target());
		assertThat(r.success()).isTrue();
		assertThat(r.gauge("probe_dns_additional_rrs")).isEqualTo(200);
	}

	@Test
	void whenTheTargetHasNoPortThenDnsOverTlsUses853() throws Exception {
		DnsProberIT.Result r = probe("dot", "127.0.0.1");
		assertThat(r.success()).isFalse(); // nothing of ours listens on 853
		assertThat(r.logged("target=127.0.0.1:853")).isTrue();
	}

}
