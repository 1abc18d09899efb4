package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The http prober's proxy options against a loopback proxy and origin: {@code proxy_url},
 * {@code no_proxy}, {@code proxy_from_environment}, {@code proxy_connect_header} (a secret) and
 * {@code skip_resolve_phase_with_proxy}.
 */
@Timeout(60)
class HttpProxyProbeIT {

	private final ReactorThread loop = new ReactorThread("http-proxy-probe-it");

	private HttpServer origin;

	private TestProxy proxy;

	private volatile Map<String, String> environment = Map.of();

	@BeforeEach
	void start() throws Exception {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.origin.createContext("/", (exchange) -> {
			byte[] body = ("host " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.origin.start();
		this.proxy = new TestProxy();
	}

	@AfterEach
	void stop() throws Exception {
		this.origin.stop(0);
		this.proxy.close();
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private HttpBodyIT.Probe probe(String http, String target) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		Supplier<Map<String, String>> env = () -> this.environment;
		// origin.test: a name this test's resolver gives the loopback address
		Resolver resolver = (host) -> host.equals("origin.test") ? new InetAddress[] { InetAddress.getByName("127.0.0.1") }
				: InetAddress.getAllByName(host);
		HttpProber prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, resolver, new ProbeMemory(64L << 20), env));
		String modules = "modules:\n  m:\n    prober: http\n    timeout: 10s\n    http:\n" + http.indent(6);
		return HttpBodyIT.probe(prober, modules, "m", null, target);
	}

	private String target(String host) {
		return "http://" + host + ":" + this.origin.getAddress().getPort() + "/";
	}

	@Test
	void proxyUrlSendsTheProbeThroughTheProxyToTheResolvedAddress() throws Exception {
		HttpBodyIT.Probe probe = probe("proxy_url: " + this.proxy.url(), target("localhost"));

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).singleElement()
			.satisfies(head -> assertThat(head).startsWith("GET http://127.0.0.1:" + this.origin.getAddress().getPort() + "/ "));
		assertThat(probe.metric("probe_ip_protocol")).isEqualTo(4);
	}

	@Test
	void proxyConnectHeaderGoesWithTheConnectAndIsMaskedInTheModule() throws Exception {
		String module = "proxy_url: " + this.proxy.url() + "\nproxy_connect_header:\n  X-Proxy-Key: [k3y]\n";
		this.proxy.refuse(403); // the proxy records the CONNECT and refuses it: the probe fails naming the proxy
		HttpBodyIT.Probe probe = probe(module, "https://127.0.0.1:" + this.origin.getAddress().getPort() + "/");

		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("refused CONNECT", "403");

		assertThat(this.proxy.heads()).singleElement()
			.satisfies(head -> assertThat(head).startsWith("CONNECT 127.0.0.1:" + this.origin.getAddress().getPort())
				.contains("\r\nX-Proxy-Key: k3y"));
		String modules = "modules:\n  m:\n    prober: http\n    http:\n" + module.indent(6);
		assertThat(ModuleFile.parse(modules, null, Probers.standard().kinds()).module("m").toString()).doesNotContain("k3y");
		assertThat(ModuleFile.parse(modules, null, Probers.standard().kinds()).module("m").options(HttpOptions.KIND)
			.client().proxy().toString()).doesNotContain("k3y");
	}

	@Test
	void noProxyAndLoopbackGoDirectAsInGo() throws Exception {
		HttpBodyIT.Probe probe = probe("proxy_url: " + this.proxy.url() + "\nno_proxy: example.org", target("127.0.0.1"));

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).isEmpty();
	}

	@Test
	void noProxyDecidesTheFirstRequestByTheResolvedAddressAsBlackboxExporter() throws Exception {
		// blackbox_exporter puts the address it resolved in the first request's URL, so Go's NO_PROXY
		// rules see 127.0.0.1 (loopback: direct), not the name origin.test (proxied before this)
		HttpBodyIT.Probe probe = probe("proxy_url: " + this.proxy.url() + "\nno_proxy: example.org", target("origin.test"));

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).isEmpty();
		assertThat(probe.metric("probe_ip_protocol")).isEqualTo(4);
		assertThat(probe.report().render()).contains("probe_http_duration_seconds{phase=\"resolve\"}");

		HttpBodyIT.Probe skipped = probe("proxy_url: " + this.proxy.url() + "\nno_proxy: example.org"
				+ "\nskip_resolve_phase_with_proxy: true", target("origin.test"));
		assertThat(this.proxy.heads()).as("the name goes to the proxy when it resolves").singleElement()
			.satisfies(head -> assertThat(head).startsWith("GET " + target("origin.test") + " HTTP/1.1"));
		assertThat(skipped.report().value("probe_ip_protocol")).isNull();
	}

	@Test
	void proxyFromEnvironmentReadsHttpProxyAndSkipResolveLeavesTheNameToTheProxy() throws Exception {
		this.environment = Map.of("HTTP_PROXY", "127.0.0.1:" + this.proxy.port());
		HttpBodyIT.Probe probe = probe("proxy_from_environment: true\nskip_resolve_phase_with_proxy: true",
				target("target.invalid"));

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).singleElement()
			.satisfies(head -> assertThat(head).startsWith("GET " + target("target.invalid") + " HTTP/1.1"));
		assertThat(probe.report().value("probe_ip_protocol")).as("no resolve phase").isNull();
	}

	@Test
	void skipResolveThroughAProxyReportsNoResolvePhaseAsBlackboxExporter023() throws Exception {
		// blackbox_exporter 0.23 sets probe_http_duration_seconds{phase="resolve"} only when it resolves
		// (or for a redirect's hop); blackbox-cases-e2e.sh found ours reporting it as 0
		HttpBodyIT.Probe skipped = probe("proxy_url: " + this.proxy.url() + "\nskip_resolve_phase_with_proxy: true",
				target("127.0.0.1"));
		HttpBodyIT.Probe resolved = probe("proxy_url: " + this.proxy.url(), target("127.0.0.1"));

		assertThat(skipped.outcome().success()).as(skipped.logText()).isTrue();
		assertThat(skipped.report().render()).contains("probe_http_duration_seconds{phase=\"connect\"}")
			.doesNotContain("phase=\"resolve\"");
		assertThat(resolved.outcome().success()).as(resolved.logText()).isTrue();
		assertThat(resolved.report().render()).contains("probe_http_duration_seconds{phase=\"resolve\"}");
	}

	@Test
	void proxyFromEnvironmentWithNoProxyVariableGoesDirect() throws Exception {
		this.environment = Map.of("HTTP_PROXY", "127.0.0.1:" + this.proxy.port(), "NO_PROXY", "direct.invalid");
		HttpBodyIT.Probe probe = probe("proxy_from_environment: true\nskip_resolve_phase_with_proxy: true",
				target("direct.invalid"));

		assertThat(probe.outcome().success()).as("direct.invalid is no name here").isFalse();
		assertThat(this.proxy.heads()).isEmpty();
	}

}
