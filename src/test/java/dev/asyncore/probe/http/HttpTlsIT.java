package dev.asyncore.probe.http;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.probe.http.HttpBodyIT.Probe;
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

	private final ProbeFixture fixture = new ProbeFixture("http-tls-it", "");

	private final List<HttpsServer> servers = new ArrayList<>();

	private final Queue<String> hosts = new ConcurrentLinkedQueue<>();

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws Exception {
		this.servers.forEach(server -> server.stop(0));
		this.fixture.close();
	}

	/** An https origin on 127.0.0.1 whose certificate names {@code subjectAltNames}; its CA in ca.pem. */
	private int serve(String subjectAltNames) throws Exception {
		return serve("test-origin", subjectAltNames, path -> null);
	}

	/**
	 * An https origin on 127.0.0.1 whose certificate names {@code subjectAltNames}, answering 200 or a
	 * 302 to where {@code redirects} says; its certificate appended to ca.pem; each request's Host kept.
	 */
	private int serve(String name, String subjectAltNames, UnaryOperator<String> redirects) throws Exception {
		Path store = TestCertificates.generate(this.dir, name, subjectAltNames);
		Path pem = TestCertificates.writePem(store, this.dir.resolve(name + ".pem"));
		Files.writeString(this.dir.resolve("ca.pem"), Files.readString(pem), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(
				TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		server.createContext("/", exchange -> {
			this.hosts.add(exchange.getRequestURI().getPath() + " Host: " + exchange.getRequestHeaders().getFirst("Host"));
			String location = redirects.apply(exchange.getRequestURI().getPath());
			if (location != null) {
				exchange.getResponseHeaders().add("Location", location);
			}
			exchange.sendResponseHeaders((location != null) ? 302 : 200, 2);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write("ok".getBytes());
			}
		});
		server.start();
		this.servers.add(server);
		return server.getAddress().getPort();
	}

	private Probe probe(String modules, String module, String target) throws Exception {
		return this.fixture.probe(modules, module, this.dir, target);
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

	@Test
	void theHostHeaderNamesTheServerOnlyWhileRedirectsStayOnTheFirstHost() throws Exception {
		int second = serve("second", "dns:localhost", path -> null);
		int first = serve("first", "dns:vhost.example",
				path -> path.equals("/") ? "/next" : "https://localhost:" + second + "/last");
		String modules = "modules:\n  host: {prober: http, http: {headers: {Host: vhost.example}, tls_config: {ca_file: ca.pem}}}\n";
		Probe probe = probe(modules, "host", "https://127.0.0.1:" + first + "/");
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(2);
		// a relative Location keeps the module's Host; an absolute one goes to its own host, as Go's client
		assertThat(this.hosts).containsExactly("/ Host: vhost.example", "/next Host: vhost.example",
				"/last Host: localhost:" + second);
	}

}
