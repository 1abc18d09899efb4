package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.probe.target.TinyDns;
import dev.asyncore.probe.tcp.TcpOptions;
import dev.asyncore.probe.tcp.TcpProber;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beyond blackbox_exporter: a module's {@code dns_server} resolves the http and tcp probers' targets
 * (a name only the module's loopback server knows), and without it the service's resolver is used.
 */
@Timeout(60)
class DnsServerIT {

	private final ReactorThread loop = new ReactorThread("dns-server-it");

	private final ExecutorService lookups = Executors.newCachedThreadPool();

	private final FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();

	private HttpServer origin;

	private TinyDns dns;

	private String modules;

	@BeforeEach
	void start() throws Exception {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.origin.createContext("/", exchange -> {
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.origin.start();
		this.dns = new TinyDns();
		this.modules = "modules:\n"
				+ "  http_own: {prober: http, timeout: 10s, http: {dns_server: \"" + this.dns.address() + "\", dns_timeout: 2s}}\n"
				+ "  tcp_own: {prober: tcp, timeout: 10s, tcp: {dns_server: \"" + this.dns.address() + "\"}}\n"
				+ "  http_system: {prober: http, timeout: 10s}\n";
	}

	@AfterEach
	void stop() throws Exception {
		this.origin.stop(0);
		this.dns.close();
		this.lookups.shutdownNow();
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	@Test
	void theHttpProberAsksTheModulesServer() throws Exception {
		HttpProber prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(this.policy).build(),
				this.policy, host -> {
					throw new java.net.UnknownHostException(host + ": the service's resolver was asked");
				}, new ProbeMemory(64L << 20)));
		String target = "http://" + TinyDns.NAME + ":" + this.origin.getAddress().getPort() + "/";
		HttpBodyIT.Probe own = HttpBodyIT.probe(prober, this.modules, "http_own", null, target);
		assertThat(own.outcome().success()).as(own.logText()).isTrue();
		assertThat(own.metric("probe_ip_protocol")).isEqualTo(4);
		assertThat(this.dns.queries()).isEqualTo(2);
		HttpBodyIT.Probe system = HttpBodyIT.probe(prober, this.modules, "http_system", null, target);
		assertThat(system.outcome().success()).isFalse();
		assertThat(system.logText()).contains("the service's resolver was asked");
	}

	@Test
	void theTcpProberAsksTheModulesServer() throws Exception {
		TcpOptions options = ModuleFile.parse(this.modules, null, Probers.standard().kinds()).module("tcp_own")
			.options(TcpOptions.KIND);
		TcpProber prober = new TcpProber(this.loop.reactor(), host -> {
			throw new java.net.UnknownHostException(host + ": the service's resolver was asked");
		}, this.lookups, this.policy, new ProbeMemory(64L << 20));
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("tcp_own", "probe.test");
		String target = TinyDns.NAME + ":" + this.origin.getAddress().getPort();
		boolean success = this.loop.call(() -> prober.run(options, target, Duration.ofSeconds(10), report, log,
				new CompletableFuture<Void>())).get(30, TimeUnit.SECONDS);
		assertThat(success).as(String.join("\n", log.lines())).isTrue();
		assertThat(this.dns.queries()).isEqualTo(2);
	}

}
