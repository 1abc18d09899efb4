package dev.asyncore.boot.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.blackbox.BlackboxConfiguration;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator pages of the blackbox listener ({@code /}, {@code /logs}, {@code /config}) ask for
 * the same credentials and scope as {@code /probe}: what they show (targets, probe logs, modules)
 * is what a probe caller may see.
 */
@Timeout(60)
class OperatorPagesAccessIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class, ExposureConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0", "server.address=127.0.0.1",
				"asyncore.security.tokens[0].name=all", "asyncore.security.tokens[0].hash=" + Caller.tokenHash(Caller.TOKEN_VALUE),
				"asyncore.security.tokens[1].name=fetch-only", "asyncore.security.tokens[1].scopes=fetch",
				"asyncore.security.tokens[1].hash=" + Caller.tokenHash(Caller.NEXT_TOKEN_VALUE));

	private final HttpClient client = HttpClient.newHttpClient();

	private HttpResponse<String> get(int port, String pathAndQuery, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void whenCredentialsAreConfiguredThenThePagesNeedTheProbeScope() {
		this.runner.run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
			String target = CountingOrigin.get().url();
			assertThat(get(port, "/probe?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8), Caller.TOKEN_VALUE)
				.body()).contains("probe_success 1");
			for (String page : new String[] { "/", "/logs?id=0", "/config" }) {
				HttpResponse<String> none = get(port, page, null);
				assertThat(none.statusCode()).as(page + " without a credential").isEqualTo(401);
				assertThat(none.headers().allValues("WWW-Authenticate")).as(page).anyMatch((v) -> v.startsWith("Bearer"));
				assertThat(none.body()).as(page).doesNotContain(target, "http_2xx");
				assertThat(get(port, page, "wrong").statusCode()).as(page + " with a wrong token").isEqualTo(401);
				assertThat(get(port, page, Caller.NEXT_TOKEN_VALUE).statusCode()).as(page + " without the scope")
					.isEqualTo(403);
			}
			assertThat(get(port, "/", Caller.TOKEN_VALUE).body()).contains("<td>" + target + "</td>", "logs?id=0");
			assertThat(get(port, "/logs?id=0", Caller.TOKEN_VALUE).body()).contains("Logs for the probe:", target);
			assertThat(get(port, "/config", Caller.TOKEN_VALUE).body()).startsWith("modules:\n").contains("http_2xx:");
		});
	}

}
