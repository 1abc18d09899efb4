package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beyond blackbox_exporter: the http prober's {@code source_ip_address}, each connection bound to it
 * before it connects, seen by a loopback origin as the peer's address (Linux routes all of 127/8 to
 * the loopback interface, so 127.0.0.2 is a local address to bind).
 */
@Timeout(60)
class HttpSourceAddressIT {

	private static final String MODULES = """
			modules:
			  from_two: {prober: http, timeout: 10s, http: {source_ip_address: 127.0.0.2}}
			  from_elsewhere: {prober: http, timeout: 10s, http: {source_ip_address: 192.0.2.7}}
			  plain: {prober: http, timeout: 10s}
			""";

	private final ReactorThread loop = new ReactorThread("http-source-it");

	private final Queue<InetAddress> peers = new ConcurrentLinkedQueue<>();

	private HttpServer origin;

	private HttpProber prober;

	@BeforeEach
	void start() throws Exception {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.origin.createContext("/", exchange -> {
			this.peers.add(exchange.getRemoteAddress().getAddress());
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.origin.start();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
	}

	@AfterEach
	void stop() throws Exception {
		this.origin.stop(0);
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private HttpBodyIT.Probe probe(String module) throws Exception {
		return HttpBodyIT.probe(this.prober, MODULES, module, null,
				"http://127.0.0.1:" + this.origin.getAddress().getPort() + "/");
	}

	@Test
	void eachConnectionComesFromTheSourceAddress() throws Exception {
		HttpBodyIT.Probe bound = probe("from_two");
		assertThat(bound.outcome().success()).as(bound.logText()).isTrue();
		assertThat(bound.logText()).contains("Using local address", "127.0.0.2");
		assertThat(this.peers.poll()).isEqualTo(InetAddress.getByName("127.0.0.2"));
		HttpBodyIT.Probe plain = probe("plain");
		assertThat(plain.outcome().success()).isTrue();
		assertThat(this.peers.poll()).isEqualTo(InetAddress.getByName("127.0.0.1"));
	}

	@Test
	void anAddressThatIsNotLocalFailsTheProbeSayingWhy() throws Exception {
		HttpBodyIT.Probe probe = probe("from_elsewhere");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("Error for HTTP request", "192.0.2.7");
		assertThat(this.peers).isEmpty();
	}

}
