package dev.asyncore.probe.http;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.http.HttpBodyIT.Probe;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.tls.TlsServerContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The http prober over TLS as blackbox_exporter 0.23: a module's Host header is the server name sent
 * and verified (unless {@code server_name} is set), and {@code probe_ssl_last_chain_info}'s
 * {@code subjectalternative} lists the leaf's DNS names only.
 */
@Timeout(60)
class HttpTlsIT {

	private final ReactorThread loop = new ReactorThread("http-tls-it");

	private HttpsServer server;

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws Exception {
		if (this.server != null) {
			this.server.stop(0);
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	/** An https origin on 127.0.0.1 whose certificate names {@code subjectAltNames}; its CA in ca.pem. */
	private int serve(String subjectAltNames) throws Exception {
		Path store = TestCertificates.generate(this.dir, "test-origin", subjectAltNames);
		TestCertificates.writePem(store, this.dir.resolve("ca.pem"));
		this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setHttpsConfigurator(new HttpsConfigurator(
				TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		this.server.createContext("/", exchange -> {
			exchange.sendResponseHeaders(200, 2);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write("ok".getBytes());
			}
		});
		this.server.start();
		return this.server.getAddress().getPort();
	}

	private Probe probe(String modules, String module, String target) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		HttpProber prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
		return HttpBodyIT.probe(prober, modules, module, this.dir, target);
	}

	@Test
	void theModulesHostHeaderIsTheServerNameVerifiedUnlessServerNameIsSet() throws Exception {
		int port = serve("dns:vhost.example");
		String modules = """
				modules:
				  plain: {prober: http, http: {tls_config: {ca_file: ca.pem}}}
				  host: {prober: http, http: {headers: {Host: vhost.example}, tls_config: {ca_file: ca.pem}}}
				  host_port: {prober: http, http: {headers: {Host: "vhost.example:8443"}, tls_config: {ca_file: ca.pem}}}
				  other: {prober: http, http: {headers: {Host: vhost.example}, tls_config: {ca_file: ca.pem, server_name: other.example}}}
				""";
		String target = "https://127.0.0.1:" + port + "/";
		Probe plain = probe(modules, "plain", target);
		assertThat(plain.outcome().success()).isFalse();
		for (String module : new String[] { "host", "host_port" }) {
			Probe host = probe(modules, module, target);
			assertThat(host.outcome().success()).as(module + ": " + host.logText()).isTrue();
			assertThat(host.metric("probe_http_ssl")).isEqualTo(1);
		}
		Probe other = probe(modules, "other", target);
		assertThat(other.outcome().success()).as("server_name wins over the Host header").isFalse();
	}

	@Test
	void theChainInfoListsTheLeafsDnsNamesOnly() throws Exception {
		int port = serve("dns:localhost,ip:127.0.0.1,ip:::1,dns:alt.localhost");
		String modules = "modules:\n  tls: {prober: http, http: {tls_config: {ca_file: ca.pem}}}\n";
		Probe probe = probe(modules, "tls", "https://localhost:" + port + "/");
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.report().render()).contains("subjectalternative=\"localhost,alt.localhost\"")
			.doesNotContain("0:0:0:0:0:0:0:1").doesNotContain("127.0.0.1\"");
	}

}
