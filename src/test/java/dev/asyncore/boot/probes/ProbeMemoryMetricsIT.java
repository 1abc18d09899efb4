package dev.asyncore.boot.probes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.asyncore.boot.Prometheus;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The probe memory budget on {@code /actuator/prometheus}: its limit as configured, nothing held
 * between probes, and a refusal counted when a body-keeping probe passes its share.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].host=127.0.0.1",
				"asyncore.listeners[0].port=0", "asyncore.blackbox.reload-check-interval=0",
				"asyncore.blackbox.probe-memory=4MB" })
@Timeout(60)
class ProbeMemoryMetricsIT {

	private static final Path DIR;

	private static final HttpServer ORIGIN;

	static {
		try {
			DIR = Files.createTempDirectory("probe-memory-metrics");
			Files.writeString(DIR.resolve("blackbox.yml"), """
					modules:
					  keep:
					    prober: http
					    timeout: 10s
					    http:
					      fail_if_body_not_matches_regexp: ["hello"]
					""");
			ORIGIN = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			// 2 MiB: more than a probe's share of a 4 MiB budget (a quarter)
			byte[] big = new byte[2 << 20];
			ORIGIN.createContext("/", (exchange) -> {
				exchange.sendResponseHeaders(200, big.length);
				try {
					exchange.getResponseBody().write(big);
				}
				catch (IOException ex) {
					// the prober hung up at its share
				}
				exchange.close();
			});
			ORIGIN.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void moduleFile(DynamicPropertyRegistry registry) {
		registry.add("asyncore.blackbox.config-file", () -> DIR.resolve("blackbox.yml").toString());
	}

	@AfterAll
	static void stopOrigin() {
		ORIGIN.stop(0);
	}

	@LocalServerPort
	int httpPort;

	@Autowired
	ReactorLifecycle reactor;

	private final HttpClient client = HttpClient.newHttpClient();

	private String get(int port, String path) throws Exception {
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private double meter(String name) throws Exception {
		return Prometheus.value(get(this.httpPort, "/actuator/prometheus"), name, "budget", "blackbox");
	}

	@Test
	void whenABodyKeepingProbePassesItsShareThenTheRefusalIsCountedAndTheBudgetIsBackAtZero() throws Exception {
		assertThat(meter("asyncore_probe_memory_max_bytes")).isEqualTo(4 << 20);
		assertThat(meter("asyncore_probe_memory_used_bytes")).isZero();
		double refusalsBefore = meter("asyncore_probe_memory_refusals_total");

		String target = URLEncoder.encode("http://127.0.0.1:" + ORIGIN.getAddress().getPort() + "/", StandardCharsets.UTF_8);
		String answer = get(this.reactor.listener("blackbox").port(), "/probe?module=keep&target=" + target);

		assertThat(answer).contains("probe_success 0");
		assertThat(meter("asyncore_probe_memory_refusals_total")).isEqualTo(refusalsBefore + 1);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meter("asyncore_probe_memory_used_bytes")).isZero());
		assertThat(Prometheus.value(get(this.httpPort, "/actuator/prometheus"), "asyncore_probe_memory_max_bytes", "budget",
				"probes")).isPositive();
	}

}
