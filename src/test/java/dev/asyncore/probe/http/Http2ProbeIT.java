package dev.asyncore.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.H2TestServer;
import dev.asyncore.testsupport.TestCertificates;

/**
 * The http prober against a real HTTP/2 server in the JVM (Netty's codec-http2, so no system nginx is
 * needed): {@code enable_http2} (default true) makes
 * {@code probe_http_version 2} and satisfies {@code valid_http_versions: ["HTTP/2.0"]}; turned off,
 * or against a server without h2, the probe speaks HTTP/1.1.
 */
@Timeout(60)
class Http2ProbeIT {

	@TempDir
	static Path dir;

	static H2TestServer server;

	static String modules;

	private final ReactorThread loop = new ReactorThread("h2-probe-it");

	@BeforeAll
	static void start() throws Exception {
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		Path ca = TestCertificates.writePem(store, dir.resolve("ca.pem"));
		server = new H2TestServer(store);
		String common = "preferred_ip_protocol: ip4, tls_config: {ca_file: '" + ca + "'}";
		modules = """
				modules:
				  h2: {prober: http, timeout: 10s, http: {%1$s, valid_http_versions: ["HTTP/2.0"], fail_if_body_not_matches_regexp: ["over HTTP/2.0"]}}
				  h2_off: {prober: http, timeout: 10s, http: {%1$s, enable_http2: false, valid_http_versions: ["HTTP/2.0"]}}
				  h11: {prober: http, timeout: 10s, http: {%1$s, enable_http2: false, valid_http_versions: ["HTTP/1.1"]}}
				  any: {prober: http, timeout: 10s, http: {%1$s}}
				""".formatted(common);
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeLoop() throws InterruptedException {
		this.loop.close();
	}

	private HttpProber prober() throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		return this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(), policy,
				InetAddress::getAllByName, new ProbeMemory(64L << 20)));
	}

	@Test
	void http2IsNegotiatedByDefaultAndMeetsValidHttpVersions() throws Exception {
		HttpBodyIT.Probe probe = HttpBodyIT.probe(prober(), modules, "h2", null,
				"https://localhost:" + server.h2Port() + "/hello");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_version")).isEqualTo(2.0);
		assertThat(probe.metric("probe_http_ssl")).isEqualTo(1.0);
		assertThat(probe.metric("probe_http_status_code")).isEqualTo(200.0);
	}

	@Test
	void enableHttp2FalseSpeaksHttp11AndFailsAnHttp2OnlyModule() throws Exception {
		HttpBodyIT.Probe off = HttpBodyIT.probe(prober(), modules, "h2_off", null,
				"https://localhost:" + server.h2Port() + "/hello");
		HttpBodyIT.Probe h11 = HttpBodyIT.probe(prober(), modules, "h11", null,
				"https://localhost:" + server.h2Port() + "/hello");

		assertThat(off.outcome().success()).isFalse();
		assertThat(off.metric("probe_http_version")).isEqualTo(1.1);
		assertThat(off.logText()).contains("Invalid HTTP version number");
		assertThat(h11.outcome().success()).as(h11.logText()).isTrue();
	}

	@Test
	void aServerWithoutH2AnswersHttp11() throws Exception {
		HttpBodyIT.Probe probe = HttpBodyIT.probe(prober(), modules, "any", null,
				"https://localhost:" + server.http1Port() + "/hello");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_version")).isEqualTo(1.1);
	}

	@Test
	void redirectsAreFollowedOverH2() throws Exception {
		HttpBodyIT.Probe probe = HttpBodyIT.probe(prober(), modules, "h2", null,
				"https://localhost:" + server.h2Port() + "/redirect");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(1.0);
		assertThat(probe.metric("probe_http_version")).isEqualTo(2.0);
	}

}
