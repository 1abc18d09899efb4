package dev.asyncore.boot.security;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;

import dev.asyncore.boot.Http;

/**
 * Calls every endpoint of the service as every {@link Caller} and checks each answer against an
 * expected status: problem details and challenges on {@code 401}/{@code 403}, health details only
 * for callers with the {@code diagnostics} scope, {@code no-store} and no {@code Server} header,
 * and, for the fetch endpoints, that the origin saw a connection exactly when the answer was
 * {@code 200}.
 */
final class SecurityMatrix {

	/** The endpoints: where they are served and whether a {@code 200} means a fetch happened. */
	enum Endpoint {

		GET_FETCH(false, true), POST_FETCH(false, true), PROBE(false, false), HEALTH(true, false),
		LIVENESS(true, false), INFO(true, false), PROMETHEUS(true, false), REACTOR(true, false),
		PROBES(true, false), LINKS(true, false),
		/** Actuator asked for on the API port: only served there when management shares the port. */
		API_PORT_PROMETHEUS(false, false);

		final boolean management;

		final boolean fetches;

		Endpoint(boolean management, boolean fetches) {
			this.management = management;
			this.fetches = fetches;
		}

	}

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int apiPort;

	private final int managementPort;

	private final CountingOrigin origin = CountingOrigin.get();

	private final boolean basicConfigured;

	/**
	 * @param basicConfigured whether users are configured, so that a {@code 401} offers Basic too
	 */
	SecurityMatrix(int apiPort, int managementPort, boolean basicConfigured) {
		this.apiPort = apiPort;
		this.managementPort = managementPort;
		this.basicConfigured = basicConfigured;
	}

	/**
	 * Checks every cell of {@code expected}: per endpoint, the status for each caller (a caller
	 * absent from the map is not tried).
	 */
	void check(Map<Endpoint, Map<Caller, Integer>> expected) {
		SoftAssertions softly = new SoftAssertions();
		expected.forEach((endpoint, row) -> row.forEach((caller, status) -> {
			int before = this.origin.accepted();
			HttpResponse<String> response = call(endpoint, caller);
			int connections = this.origin.accepted() - before;
			String cell = endpoint + " as " + caller + " -> " + response.statusCode() + " " + response.headers().map()
					+ " " + response.body().substring(0, Math.min(300, response.body().length()));
			softly.assertThat(response.statusCode()).as(cell).isEqualTo(status);
			softly.assertThat(response.headers().firstValue("Server")).as(cell + ": Server header").isEmpty();
			if (!endpoint.management) {
				softly.assertThat(response.headers().allValues("Cache-Control")).as(cell + ": Cache-Control")
					.anySatisfy((value) -> softly.assertThat(value).contains("no-store"));
			}
			if (status == 401) {
				softly.assertThat(response.headers().firstValue("Content-Type")).as(cell).hasValue("application/problem+json");
				List<String> challenges = response.headers().allValues("WWW-Authenticate");
				softly.assertThat(challenges).as(cell).anyMatch((value) -> value.startsWith("Bearer realm=\"asyncore\""));
				softly.assertThat(challenges.stream().anyMatch((value) -> value.startsWith("Basic realm=\"asyncore\"")))
					.as(cell + ": Basic offered").isEqualTo(this.basicConfigured);
				softly.assertThat(response.body()).as(cell).contains("\"status\":401");
			}
			if (status == 403) {
				softly.assertThat(response.headers().firstValue("Content-Type")).as(cell).hasValue("application/problem+json");
				softly.assertThat(response.headers().firstValue("WWW-Authenticate")).as(cell)
					.hasValueSatisfying((value) -> softly.assertThat(value).contains("error=\"insufficient_scope\""));
			}
			if (endpoint.fetches) {
				if (status == 200) {
					softly.assertThat(connections).as(cell + ": connections to the origin").isPositive();
					softly.assertThat(response.body()).as(cell).contains("\"status\":200");
				}
				else {
					softly.assertThat(connections).as(cell + ": connections to the origin").isZero();
				}
			}
			if ((endpoint == Endpoint.HEALTH || endpoint == Endpoint.LIVENESS) && status == 200) {
				boolean diagnostics = caller == Caller.TOKEN || caller == Caller.BASIC || caller == Caller.NEXT_TOKEN;
				softly.assertThat(response.body().contains("\"components\""))
					.as(cell + ": health details shown").isEqualTo(diagnostics);
			}
		}));
		softly.assertAll();
	}

	/** One request of {@code endpoint} as {@code caller}. */
	HttpResponse<String> call(Endpoint endpoint, Caller caller) {
		String fetchQuery = "url=" + URLEncoder.encode(this.origin.url(), StandardCharsets.UTF_8);
		HttpRequest.Builder request = switch (endpoint) {
			case GET_FETCH -> get(this.apiPort, "/fetch?" + fetchQuery);
			case POST_FETCH -> HttpRequest.newBuilder(uri(this.apiPort, "/fetch"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"urls\": [\"" + this.origin.url() + "\"]}"));
			case PROBE -> get(this.apiPort, "/probe?target=" + URLEncoder.encode(this.origin.url(), StandardCharsets.UTF_8)
					+ "&module=http_2xx");
			case HEALTH -> get(this.managementPort, "/actuator/health");
			case LIVENESS -> get(this.managementPort, "/actuator/health/liveness");
			case INFO -> get(this.managementPort, "/actuator/info");
			case PROMETHEUS -> get(this.managementPort, "/actuator/prometheus");
			case REACTOR -> get(this.managementPort, "/actuator/reactor");
			case PROBES -> get(this.managementPort, "/actuator/probes");
			case LINKS -> get(this.managementPort, "/actuator");
			case API_PORT_PROMETHEUS -> get(this.apiPort, "/actuator/prometheus");
		};
		if (caller.authorization != null) {
			request.header("Authorization", caller.authorization);
		}
		return send(request.timeout(Duration.ofSeconds(30)).build());
	}

	HttpResponse<String> send(HttpRequest request) {
		return Http.send(this.client, request);
	}

	static HttpRequest.Builder get(int port, String path) {
		return HttpRequest.newBuilder(uri(port, path)).GET();
	}

	static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	/** A row: the status for each caller in the order of {@code callers}. */
	static Map<Caller, Integer> row(List<Caller> callers, int... statuses) {
		if (callers.size() != statuses.length) {
			throw new IllegalArgumentException(callers + " needs " + callers.size() + " statuses");
		}
		Map<Caller, Integer> row = new LinkedHashMap<>();
		for (int i = 0; i < statuses.length; i++) {
			row.put(callers.get(i), statuses[i]);
		}
		return row;
	}

}
