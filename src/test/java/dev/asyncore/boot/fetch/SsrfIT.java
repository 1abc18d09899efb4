package dev.asyncore.boot.fetch;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side request forgery through {@code /fetch} with the default policy (issue 7, item 6):
 * every spelling of loopback, private, link-local / metadata, unspecified and IPv4-mapped or
 * embedded IPv6 addresses, and names resolving to them, are refused with 403 — before any connect.
 * No test sends a byte to a non-loopback address: the "no connect" assertions check that the
 * reactor opened no client connection at all, and the loopback ones point at a trap listener that
 * counts connections.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.fetch.connect-timeout=1s" })
@ActiveProfiles("it")
@Import(FetchTestBeans.class)
@Timeout(60)
class SsrfIT {

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ReactorLifecycle lifecycle;

	private Api api;

	private Origins origins;

	@BeforeEach
	void client() {
		this.api = new Api(this.httpPort);
		this.origins = Origins.get();
	}

	@Test
	void everySpellingOfLoopbackIsRefusedBeforeAnyConnect() throws Exception {
		int port = this.origins.trapPort();
		refusedWithoutConnecting(List.of("http://127.0.0.1:" + port + "/", "http://127.1:" + port + "/",
				"http://127.0.0.2:" + port + "/", "http://2130706433:" + port + "/", "http://0177.0.0.1:" + port + "/",
				"http://0x7f.0.0.1:" + port + "/", "http://0x7f000001:" + port + "/", "http://[::1]:" + port + "/",
				"http://[0:0:0:0:0:0:0:1]:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/",
				"http://[::ffff:7f00:1]:" + port + "/", "http://[64:ff9b::7f00:1]:" + port + "/",
				"https://127.0.0.1:" + port + "/", "http://127.0.0.1.:" + port + "/"));
	}

	@Test
	void namesThatResolveToLoopbackAreRefusedBeforeAnyConnect() throws Exception {
		int port = this.origins.trapPort();
		// localhost through the JDK's resolver; the others through the test Resolver bean
		refusedWithoutConnecting(List.of("http://localhost:" + port + "/", "http://LOCALHOST.:" + port + "/",
				"http://internal.test:" + port + "/", "http://mapped.test:" + port + "/"));
	}

	@Test
	void privateSharedAndUniqueLocalAddressesAreRefusedBeforeAnyConnect() throws Exception {
		refusedWithoutConnecting(List.of("http://10.0.0.1/", "http://10.255.255.254:8080/", "http://172.16.0.1/",
				"http://192.168.1.1/", "http://0xc0a80101/", "http://100.64.0.1/", "http://[fc00::1]/",
				"http://[fd12:3456::1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:c0a8:101]/",
				"http://intranet.test/"));
	}

	@Test
	void linkLocalMetadataAndUnspecifiedAddressesAreRefusedBeforeAnyConnect() throws Exception {
		int port = this.origins.trapPort();
		refusedWithoutConnecting(List.of("http://169.254.169.254/latest/meta-data/",
				"http://169.254.169.254:80/computeMetadata/v1/", "http://2852039166/", "http://0xa9.0xfe.0xa9.0xfe/",
				"http://[fe80::1]/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/",
				"http://metadata.test/", "http://0.0.0.0:" + port + "/", "http://0:" + port + "/",
				"http://[::]:" + port + "/"));
	}

	@Test
	void aBatchOfForbiddenUrlsIsRefusedUrlByUrl() throws Exception {
		Snapshot before = snapshot();
		List<String> urls = List.of("http://127.0.0.1:" + this.origins.trapPort() + "/", "http://169.254.169.254/",
				"http://10.0.0.1/");
		Api.Answer answer = this.api.post(urls);

		assertThat(answer.status).isEqualTo(200);
		assertThat(answer.body).doesNotContain("\"ok\":true");
		assertThat(answer.body.split("\"status\":403", -1)).hasSize(urls.size() + 1);
		assertNoConnect(before);
	}

	private void refusedWithoutConnecting(List<String> urls) throws Exception {
		Snapshot before = snapshot();
		for (String url : urls) {
			Api.Answer answer = this.api.get(url);
			assertThat(answer.status).as(url + " -> " + answer).isEqualTo(403);
			assertThat(answer.contentType()).startsWith("application/problem+json");
			assertThat(answer.json()).as(url).containsEntry("type", "urn:asyncore:fetch:refused").containsEntry("url", url);
		}
		assertNoConnect(before);
	}

	/**
	 * Any connection the fetcher tried would still be in the map (a client dispatcher) or would have
	 * counted a connect, error or close in the reactor's default stats, which fetch connections use.
	 */
	private void assertNoConnect(Snapshot before) throws Exception {
		Snapshot after = snapshot();
		assertThat(this.origins.trapped.get()).isEqualTo(before.trapped());
		assertThat(after.counts()).isEqualTo(before.counts());
		assertThat(after.clients()).isZero();
	}

	private Snapshot snapshot() throws Exception {
		Reactor reactor = this.lifecycle.reactor();
		ListenerStats stats = reactor.defaultStats();
		List<Long> counts = List.of(stats.get(ListenerStats.Counter.CONNECTS), stats.get(ListenerStats.Counter.ERRORS),
				stats.get(ListenerStats.Counter.CLOSES));
		long clients = reactor.submit(reactor::dispatchers)
			.get(5, TimeUnit.SECONDS)
			.stream()
			.filter((Dispatcher d) -> d.stats() == stats)
			.count();
		return new Snapshot(this.origins.trapped.get(), counts, clients);
	}

	private record Snapshot(int trapped, List<Long> counts, long clients) {
	}

}
