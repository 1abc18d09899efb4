package dev.asyncore.boot.security;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-client limits: a token bucket per principal on {@code /fetch} (burst 5, one more a
 * minute), the body cap of {@code POST /fetch} (1 KB) and its batch cap (4 URLs). Each test uses
 * its own principal, so the buckets do not mix. Also an open endpoint switched off
 * ({@code asyncore.security.open.info=false}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.fetch.allow-private-networks=true",
				"asyncore.security.rate-limit.burst=5", "asyncore.security.rate-limit.per-minute=1",
				"asyncore.fetch.max-request-size=1KB", "asyncore.fetch.max-batch-size=4",
				"asyncore.security.open.info=false" })
@Timeout(120)
class LimitsIT {

	static final List<String> CLIENTS = List.of("burst-a", "burst-b", "body", "batch");

	@LocalServerPort
	int port;

	private final CountingOrigin origin = CountingOrigin.get();

	@DynamicPropertySource
	static void tokens(DynamicPropertyRegistry registry) {
		for (int i = 0; i < CLIENTS.size(); i++) {
			String name = CLIENTS.get(i);
			registry.add("asyncore.security.tokens[" + i + "].name", () -> name);
			registry.add("asyncore.security.tokens[" + i + "].hash", () -> Caller.tokenHash("token-" + name));
		}
	}

	@Test
	void whenOneClientBurstsThenItGets429WithRetryAfterAndNoFetchWhileAnotherClientPasses() {
		SecurityMatrix http = new SecurityMatrix(this.port, this.port, false);
		List<Integer> statuses = new ArrayList<>();
		HttpResponse<String> limited = null;
		for (int i = 0; i < 8; i++) {
			int before = this.origin.accepted();
			HttpResponse<String> response = http.send(fetch("burst-a"));
			statuses.add(response.statusCode());
			if (response.statusCode() == 429) {
				limited = response;
				assertThat(this.origin.accepted()).as("connections for a refused request").isEqualTo(before);
			}
		}
		assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429, 429, 429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(limited.body()).contains("asyncore.security.rate-limit");

		assertThat(http.send(fetch("burst-b")).statusCode()).isEqualTo(200);
	}

	@Test
	void whenPostBodyIsLargerThanTheCapThen413BeforeAnythingIsParsedOrFetched() {
		SecurityMatrix http = new SecurityMatrix(this.port, this.port, false);
		String json = "{\"urls\": [" + String.join(",", Collections.nCopies(40, "\"" + this.origin.url() + "\"")) + "]}";
		assertThat(json.length()).isGreaterThan(1024);
		int before = this.origin.accepted();

		HttpResponse<String> sized = http.send(post("body", HttpRequest.BodyPublishers.ofString(json)));
		HttpResponse<String> chunked = http.send(post("body", HttpRequest.BodyPublishers
			.ofInputStream(() -> new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))));

		for (HttpResponse<String> response : List.of(sized, chunked)) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).contains("asyncore.fetch.max-request-size");
		}
		assertThat(this.origin.accepted()).isEqualTo(before);
	}

	@Test
	void whenBatchHasMoreUrlsThanTheCapThen400NamingThePropertyAndNoFetch() {
		SecurityMatrix http = new SecurityMatrix(this.port, this.port, false);
		String json = "{\"urls\": [" + String.join(",", Collections.nCopies(5, "\"" + this.origin.url() + "\"")) + "]}";
		int before = this.origin.accepted();

		HttpResponse<String> response = http.send(post("batch", HttpRequest.BodyPublishers.ofString(json)));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("asyncore.fetch.max-batch-size");
		assertThat(this.origin.accepted()).isEqualTo(before);
	}

	@Test
	void whenAnOpenEndpointIsSwitchedOffThenItNeedsACredentialAndTheOthersStayOpen() {
		SecurityMatrix http = new SecurityMatrix(this.port, this.port, false);
		assertThat(http.call(SecurityMatrix.Endpoint.INFO, Caller.NONE).statusCode()).isEqualTo(401);
		assertThat(http.send(SecurityMatrix.get(this.port, "/actuator/info")
			.header("Authorization", "Bearer token-batch")
			.build()).statusCode()).isEqualTo(200);
		assertThat(http.call(SecurityMatrix.Endpoint.PROMETHEUS, Caller.NONE).statusCode()).isEqualTo(200);
		assertThat(http.call(SecurityMatrix.Endpoint.HEALTH, Caller.NONE).statusCode()).isEqualTo(200);
	}

	private HttpRequest fetch(String client) {
		return SecurityMatrix.get(this.port, "/fetch?url=" + URLEncoder.encode(this.origin.url(), StandardCharsets.UTF_8))
			.header("Authorization", "Bearer token-" + client)
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	private HttpRequest post(String client, HttpRequest.BodyPublisher body) {
		return HttpRequest.newBuilder(SecurityMatrix.uri(this.port, "/fetch"))
			.header("Authorization", "Bearer token-" + client)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(body)
			.build();
	}

}
