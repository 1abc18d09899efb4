package dev.asyncore.probe.unix;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.EchoServer;
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
import dev.asyncore.tls.TlsServerContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unix prober against echo servers on AF_UNIX sockets driven by a real loop: plain and TLS
 * {@code query_response}, the TLS name (server_name, else the path, as Go's {@code tls.Dial}), a
 * socket that is not there, and the policy that keeps a caller off the host's sockets.
 */
@Timeout(60)
class UnixProberIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final FetchPolicy LOCAL = FetchPolicy.builder().allowPrivateNetworks(true).build();

	private final ReactorThread loop = new ReactorThread("unix-prober-it");

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws Exception {
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private record Result(boolean success, String text, String log) {
	}

	private Result probe(FetchPolicy policy, String moduleYaml, String target) throws Exception {
		Module<?> module = ModuleFile.parse("modules:\n  m:\n" + moduleYaml.indent(4), this.dir, KINDS).module("m");
		assertThat(module.unavailable()).isNull();
		UnixProber prober = new UnixProber(this.loop.reactor(), policy, new ProbeMemory(64L << 20));
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", target);
		CompletableFuture<Boolean> outcome = this.loop.call(
				() -> prober.run(module.options(UnixOptions.KIND), target, module.effectiveTimeout(0, Duration.ZERO), report,
						log));
		boolean success = outcome.get(30, TimeUnit.SECONDS);
		return this.loop.call(() -> new Result(success, report.render(), String.join("\n", log.lines())));
	}

	private String echo() throws Exception {
		Path path = this.dir.resolve("echo.sock");
		this.loop.call(() -> new EchoServer(this.loop.reactor(), UnixDomainSocketAddress.of(path)));
		return path.toString();
	}

	private String tlsEcho() throws Exception {
		Path store = TestCertificates.generate(this.dir, "localhost", "dns:localhost");
		TestCertificates.writePem(store, this.dir.resolve("ca.pem"));
		TlsServerContext tls = TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD);
		Path path = this.dir.resolve("tls.sock");
		this.loop.call(() -> new ServerDispatcher(this.loop.reactor(), UnixDomainSocketAddress.of(path),
				ServerDispatcher.Options.DEFAULTS, new ListenerStats("tls-unix"), (reactor, channel, stats) -> {
					EchoHandler handler = new EchoHandler(reactor, channel);
					handler.setTransport(tls.wrap(channel));
					return handler;
				}));
		return path.toString();
	}

	@Test
	void aQueryResponseDialogueRunsOverTheSocketAsBlackboxExportersUnixProber() throws Exception {
		String socket = echo();
		Result r = probe("prober: unix\ntimeout: 10s\nunix:\n  query_response:\n    - send: PING\n    - expect: \"^PING$\"\n",
				socket);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.log()).contains("Dialing unix without TLS", "Successfully dialed");
		assertThat(r.text()).contains("probe_failed_due_to_regex 0").doesNotContain("probe_tcp_duration_seconds");
		// the echo never says PONG and keeps the connection: the deadline ends the read, as in Go
		Result wrong = probe("prober: unix\ntimeout: 1s\nunix:\n  query_response:\n    - send: PING\n    - expect: \"^PONG$\"\n",
				socket);
		assertThat(wrong.success()).isFalse();
		assertThat(wrong.log()).contains("Error reading from connection", "i/o timeout");
	}

	@Test
	void tlsOverTheSocketVerifiesServerNameElseThePathAndReportsTheCertificate() throws Exception {
		String socket = tlsEcho();
		String dialogue = "  query_response:\n    - send: PING\n    - expect: \"^PING$\"\n";
		Result r = probe("prober: unix\ntimeout: 10s\nunix:\n  tls: true\n  tls_config: {ca_file: ca.pem, server_name: localhost}\n"
				+ dialogue, socket);
		assertThat(r.success()).as(r.log()).isTrue();
		assertThat(r.log()).contains("Dialing unix with TLS");
		assertThat(r.text()).contains("probe_ssl_last_chain_info{", "serialnumber=", "probe_tls_version_info");
		Result byPath = probe("prober: unix\ntimeout: 10s\nunix:\n  tls: true\n  tls_config: {ca_file: ca.pem}\n" + dialogue, socket);
		assertThat(byPath.success()).as("the path is not the certificate's name").isFalse();
		Result blind = probe("prober: unix\ntimeout: 10s\nunix:\n  tls: true\n  tls_config: {insecure_skip_verify: true}\n" + dialogue,
				socket);
		assertThat(blind.success()).as(blind.log()).isTrue();
	}

	@Test
	void aSocketThatIsNotThereFailsTheProbeWhenDialing() throws Exception {
		Result r = probe("prober: unix\ntimeout: 5s\n", this.dir.resolve("absent.sock").toString());
		assertThat(r.success()).isFalse();
		assertThat(r.log()).contains("level=error", "Error dialing unix");
	}

	@Test
	void withoutPrivateNetworksAllowedOrWithAnAllowListTheHostsSocketsAreNotProbed() throws Exception {
		String socket = echo();
		for (FetchPolicy policy : List.of(FetchPolicy.builder().build(),
				FetchPolicy.builder().allowPrivateNetworks(true).allowedHosts(Set.of("example.org")).build())) {
			Result r = probe(policy, "prober: unix\ntimeout: 5s\n", socket);
			assertThat(r.success()).isFalse();
			assertThat(r.log()).contains("Refusing to probe the unix socket " + socket);
		}
	}

	private Result probe(String moduleYaml, String target) throws Exception {
		return probe(LOCAL, moduleYaml, target);
	}

}
