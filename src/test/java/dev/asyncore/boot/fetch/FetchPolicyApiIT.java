package dev.asyncore.boot.fetch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.ListenerStats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configured policy through the API: with {@code allow-private-networks: true} and
 * {@code allowed-hosts: [origin.test, metadata.test]} the loopback origin is fetched by name, the
 * metadata address is still refused (link-local is never fetched), and a redirect from the allowed
 * origin to a private address is refused at the redirect hop, before any connect to it.
 */
class FetchPolicyApiIT extends FetchServiceITBase {

	@Autowired
	private ReactorLifecycle lifecycle;

	/** The control of {@link SsrfIT}'s "no connect" check: a fetch that connects is counted where it looks. */
	@Test
	void whenAFetchConnectsThenTheReactorsDefaultStatsCountTheConnection() {
		ListenerStats stats = this.lifecycle.reactor().defaultStats();
		long connects = stats.get(ListenerStats.Counter.CONNECTS);
		long closes = stats.get(ListenerStats.Counter.CLOSES);

		// the garbage server closes every connection, so this fetch cannot use a pooled one
		FetchApiIT.assertProblem(this.api.get("http://" + Origins.HOST + ":" + this.origins.garbagePort() + "/"), 502,
				"protocol");

		assertThat(stats.get(ListenerStats.Counter.CONNECTS)).isGreaterThan(connects);
		await().untilAsserted(() -> assertThat(stats.get(ListenerStats.Counter.CLOSES)).isGreaterThan(closes));
	}

	@Test
	void whenPrivateNetworksAreAllowedThenTheLoopbackOriginIsFetched() {
		Api.Answer answer = this.api.get(this.origins.http("/hello"));

		assertThat(answer.status).as(answer.body).isEqualTo(200);
		assertThat(answer.json().get("remoteAddress").toString()).contains("127.0.0.1");
	}

	@Test
	void whenPrivateNetworksAreAllowedThenTheMetadataAddressIsStillRefused() {
		Api.Answer answer = this.api.get("http://metadata.test:" + this.origins.trapPort() + "/latest/meta-data/");

		FetchApiIT.assertProblem(answer, 403, "refused");
		assertThat((String) answer.json().get("detail")).contains("169.254.169.254", "link-local");
	}

	@Test
	void whenAnAllowedOriginRedirectsToAPrivateAddressThenTheRedirectIsRefusedBeforeAnyConnect() {
		int trap = this.origins.trapPort();
		int trappedBefore = this.origins.trapped.get();
		for (String target : new String[] { "http://127.0.0.1:" + trap + "/", "http://localhost:" + trap + "/",
				"http://internal.test:" + trap + "/", "http://[::ffff:127.0.0.1]:" + trap + "/",
				"http://metadata.test:" + trap + "/", "http://169.254.169.254/latest/meta-data/" }) {
			int redirectsBefore = this.origins.hits("/redirect");
			Api.Answer answer = this.api
				.get(this.origins.http("/redirect?to=" + URLEncoder.encode(target, StandardCharsets.UTF_8)));

			FetchApiIT.assertProblem(answer, 403, "refused");
			assertThat(this.origins.hits("/redirect")).as("the allowed origin was asked").isEqualTo(redirectsBefore + 1);
		}
		assertThat(this.origins.trapped.get()).as("connections to the redirect targets").isEqualTo(trappedBefore);
	}

}
