package dev.asyncore.boot.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.blackbox.BlackboxConfiguration;
import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactor-served {@code /probe} obeys the same credentials as the Spring Security chain: no
 * credential, a wrong one or one without the probe scope is refused before any connection to the
 * target is opened; a token or a basic user with the scope probes.
 */
@Timeout(60)
class ProbeAccessIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class, ExposureConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0", "server.address=127.0.0.1");

	private final HttpClient client = HttpClient.newHttpClient();

	private HttpResponse<String> probe(int port, String authorization) throws Exception {
		String target = URLEncoder.encode(CountingOrigin.get().url(), StandardCharsets.UTF_8);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe?target=" + target));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void whenCredentialsAreConfiguredThenOnlyACallerWithTheProbeScopeMakesTheProbe() {
		this.runner
			.withPropertyValues("asyncore.security.tokens[0].name=all",
					"asyncore.security.tokens[0].hash=" + Caller.tokenHash(Caller.TOKEN_VALUE),
					"asyncore.security.tokens[1].name=fetch-only", "asyncore.security.tokens[1].scopes=fetch",
					"asyncore.security.tokens[1].hash=" + Caller.tokenHash(Caller.NEXT_TOKEN_VALUE),
					"asyncore.security.users[0].name=" + Caller.USER,
					"asyncore.security.users[0].password-hash=" + Caller.PASSWORD_HASH)
			.run((context) -> {
				int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
				CountingOrigin origin = CountingOrigin.get();
				int before = origin.accepted();

				HttpResponse<String> none = probe(port, null);
				assertThat(none.statusCode()).isEqualTo(401);
				assertThat(none.headers().allValues("WWW-Authenticate")).anyMatch((v) -> v.startsWith("Bearer"))
					.anyMatch((v) -> v.startsWith("Basic"));
				assertThat(probe(port, "Bearer wrong").statusCode()).isEqualTo(401);
				assertThat(probe(port, basic(Caller.USER, "wrong")).statusCode()).isEqualTo(401);
				assertThat(probe(port, "Bearer " + Caller.NEXT_TOKEN_VALUE).statusCode()).isEqualTo(403);
				assertThat(origin.accepted()).as("no connection to the target without authorisation").isEqualTo(before);

				HttpResponse<String> token = probe(port, "Bearer " + Caller.TOKEN_VALUE);
				assertThat(token.statusCode()).isEqualTo(200);
				assertThat(token.body()).contains("probe_success 1");
				HttpResponse<String> user = probe(port, basic(Caller.USER, Caller.PASSWORD));
				assertThat(user.statusCode()).isEqualTo(200);
				assertThat(user.body()).contains("probe_success 1");
				assertThat(origin.accepted()).isEqualTo(before + 2);

				HttpResponse<String> healthy = this.client.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/healthy")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(healthy.statusCode()).as("/-/healthy stays open, like health").isEqualTo(200);
			});
	}

	@Test
	void whenNothingIsConfiguredOnLoopbackThenProbesAreOpenButAWrongTokenIsStillRefused() {
		this.runner.run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
			assertThat(probe(port, null).statusCode()).isEqualTo(200);
			assertThat(probe(port, "Bearer wrong").statusCode()).isEqualTo(401);
		});
	}

	@Test
	void whenABlackboxListenerIsReachableWithoutCredentialsThenStartupFailsNamingItsHost() {
		this.runner.withPropertyValues("asyncore.listeners[0].host=0.0.0.0").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (!(failure instanceof InvalidConfigurationException) && failure.getCause() != null) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(InvalidConfigurationException.class)
				.hasMessageContaining("asyncore.listeners[0].host")
				.hasMessageContaining("asyncore.security.allow-anonymous: true");
		});
	}

}
