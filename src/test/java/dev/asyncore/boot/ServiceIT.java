package dev.asyncore.boot;

import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.asyncore.boot.config.AsyncoreProperties.Protocol;
import dev.asyncore.boot.reactor.BoundListener;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service over HTTP: listeners bound from YAML, exact meters, the reactor endpoint, health. */
@ServiceTest
class ServiceIT {

	@LocalServerPort
	private int httpPort;

	/** The token whose hash application-it.yml configures. */
	static final String IT_TOKEN = "test-token-all";

	private Http http;

	@Autowired
	private ReactorLifecycle lifecycle;

	@BeforeEach
	void connect() {
		this.http = new Http(this.httpPort);
	}

	@Test
	void whenStartedFromYamlThenEveryListenerIsBoundWithPortZeroResolved() {
		assertThat(this.lifecycle.listeners()).extracting(BoundListener::name)
			.containsExactly("echo", "echo-udp", "capped", "idle", "slow");
		assertThat(this.lifecycle.listeners()).allSatisfy((listener) -> {
			assertThat(listener.port()).isPositive();
			assertThat(listener.address().getAddress().isLoopbackAddress()).isTrue();
		});
		assertThat(this.lifecycle.listener("echo-udp").listener().properties().protocol()).isEqualTo(Protocol.UDP);
		assertThat(this.lifecycle.listener("capped").listener().properties().maxConnections()).isEqualTo(2);
		assertThat(this.lifecycle.listener("slow").listener().properties().writeHighWaterMark().toKilobytes())
			.isEqualTo(64);
	}

	@Test
	void whenEchoingNBytesThenPrometheusCountsExactlyNBytesEachWayAndTheMapShrinksBack() throws Exception {
		int n = 123_457;
		String before = scrape();
		double mapSize = Prometheus.value(before, "asyncore_map_size");
		byte[] message = Loopback.pattern(7, n);

		assertThat(Loopback.echo(this.lifecycle.listener("echo").port(), message)).isEqualTo(message);

		await().untilAsserted(() -> {
			String after = scrape();
			assertThat(delta(before, after, "asyncore_bytes_total", "listener", "echo", "direction", "received"))
				.isEqualTo(n);
			assertThat(delta(before, after, "asyncore_bytes_total", "listener", "echo", "direction", "sent"))
				.isEqualTo(n);
			assertThat(delta(before, after, "asyncore_events_total", "listener", "echo", "event", "accept"))
				.isEqualTo(1);
			assertThat(delta(before, after, "asyncore_events_total", "listener", "echo", "event", "close"))
				.isEqualTo(1);
			assertThat(Prometheus.value(after, "asyncore_map_size")).isEqualTo(mapSize);
			assertThat(Prometheus.value(after, "asyncore_connections_active", "listener", "echo")).isZero();
		});
		String after = scrape();
		assertThat(Prometheus.value(after, "asyncore_loop_iterations_total"))
			.isGreaterThan(Prometheus.value(before, "asyncore_loop_iterations_total"));
		assertThat(Prometheus.value(after, "asyncore_loop_select_seconds_count", "reactor", "asyncore-reactor"))
			.isPositive();
		assertThat(Prometheus.value(after, "asyncore_listener_bound", "listener", "echo")).isEqualTo(1);
		assertThat(Prometheus.value(after, "asyncore_connections_max", "listener", "capped")).isEqualTo(2);
	}

	@Test
	void whenReactorEndpointReadThenItListsEachDispatcherOfTheMap() throws Exception {
		try (Socket client = Loopback.connect(this.lifecycle.listener("echo").port())) {
			assertThat(Loopback.roundTrip(client, "ping")).isEqualTo("ping");
			Map<String, Object> body = getJson("/actuator/reactor");

			assertThat(body).containsEntry("name", "asyncore-reactor").containsEntry("looping", true);
			List<Map<String, Object>> listeners = list(body, "listeners");
			assertThat(listeners).anySatisfy((listener) -> assertThat(listener)
				.containsEntry("name", "echo")
				.containsEntry("bound", true)
				.containsEntry("address", "127.0.0.1:" + this.lifecycle.listener("echo").port()));
			List<Map<String, Object>> dispatchers = list(body, "dispatchers");
			assertThat(dispatchers).anySatisfy((d) -> assertThat(d).containsEntry("type", "ServerDispatcher")
				.containsEntry("listener", "capped")
				.containsEntry("state", "accepting"));
			String clientAddress = "127.0.0.1:" + client.getLocalPort();
			assertThat(dispatchers).filteredOn((d) -> clientAddress.equals(d.get("remoteAddress")))
				.singleElement()
				.satisfies((d) -> assertThat(d).containsEntry("type", "EchoHandler")
					.containsEntry("listener", "echo")
					.containsEntry("state", "connected")
					.containsEntry("readable", true)
					.containsEntry("writable", false)
					.containsEntry("bytesReceived", 4)
					.containsEntry("bytesSent", 4)
					.containsKey("ageMillis"));
		}
	}

	@Test
	void whenHealthGroupsReadWithCredentialsThenReactorIsUpWithEveryListener() {
		// details only for a caller with the diagnostics scope: the token of application-it.yml
		Http authorized = new Http(this.httpPort, "Bearer " + IT_TOKEN);
		for (String group : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
			Map<String, Object> body = authorized.json(group);
			assertThat(body).containsEntry("status", "UP");
			Map<String, Object> reactor = map(map(body, "components"), "reactor");
			assertThat(reactor).containsEntry("status", "UP");
			assertThat(map(reactor, "details")).containsKey("lastPassAgeMillis").containsEntry("loop", "running");
			assertThat(map(map(reactor, "details"), "listeners")).containsOnlyKeys("echo", "echo-udp", "capped", "idle",
					"slow");
		}
	}

	@Test
	void whenHealthReadWithoutCredentialsThenOnlyTheStatusIsShown() {
		assertThat(getJson("/actuator/health")).containsEntry("status", "UP").doesNotContainKeys("components", "details");
	}

	@Test
	void whenActuatorEndpointsListedThenOnlyHealthInfoPrometheusAndReactorAreExposed() {
		for (String exposed : List.of("health", "info", "prometheus", "reactor")) {
			assertThat(this.http.get("/actuator/" + exposed).statusCode()).isEqualTo(200);
		}
		for (String hidden : List.of("env", "beans", "metrics", "configprops", "loggers", "threaddump")) {
			assertThat(this.http.get("/actuator/" + hidden).statusCode()).isEqualTo(404);
		}
	}

	private String scrape() {
		return this.http.body("/actuator/prometheus");
	}

	private static double delta(String before, String after, String name, String... labels) {
		return Prometheus.value(after, name, labels) - Prometheus.value(before, name, labels);
	}

	private Map<String, Object> getJson(String path) {
		return this.http.json(path);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> parent, String key) {
		return (Map<String, Object>) parent.get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
		return (List<Map<String, Object>>) parent.get(key);
	}

}
