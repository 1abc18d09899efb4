package dev.asyncore.boot.probes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.asyncore.boot.Prometheus;
import dev.asyncore.boot.fetch.Api;
import dev.asyncore.boot.fetch.FetchServiceITBase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scheduled probes: blackbox-style gauges on {@code /actuator/prometheus} and the {@code probes} endpoint. */
class ProbesIT extends FetchServiceITBase {

	@Test
	void whenTheProbedOriginGoesAwayAndComesBackThenProbeSuccessFlipsToZeroAndBack() throws Exception {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(probe("asyncore_probe_success")).isEqualTo(1));
		assertThat(probe("asyncore_probe_status")).isEqualTo(200);

		this.origins.stopProbeOrigin();
		try {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(probe("asyncore_probe_success")).isZero());
			assertThat(probe("asyncore_probe_status")).isZero();
			Map<String, Object> last = last("origin");
			assertThat(last).containsEntry("success", false);
			assertThat((String) last.get("error")).startsWith("connect:");
		}
		finally {
			this.origins.startProbeOrigin();
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(probe("asyncore_probe_success")).isEqualTo(1));
		assertThat(last("origin")).containsEntry("success", true).containsEntry("status", 200);
	}

	@Test
	void whenAnHttpsProbeRunsThenTlsExpiryAndPhaseDurationsAreReported() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String exposition = this.api.path("/actuator/prometheus").body;
			assertThat(Prometheus.value(exposition, "asyncore_probe_success", "probe", "secure")).isEqualTo(1);
			// keytool made the certificate valid for two days
			assertThat(Prometheus.value(exposition, "asyncore_probe_tls_expiry_seconds", "probe", "secure"))
				.isBetween(47 * 3600.0, 49 * 3600.0);
			// later runs reuse the keep-alive connection: no handshake, so tls may be 0
			assertThat(Prometheus.value(exposition, "asyncore_probe_duration_seconds", "probe", "secure", "phase",
					"tls")).isNotNegative();
			assertThat(Prometheus.value(exposition, "asyncore_probe_duration_seconds", "probe", "secure", "phase",
					"total")).isPositive();
		});
		assertThat(this.api.path("/actuator/prometheus").body)
			.doesNotContain("asyncore_probe_tls_expiry_seconds{probe=\"origin\"");
		Map<String, Object> last = last("secure");
		assertThat(last.get("certificateNotAfter")).isNotNull();
	}

	private double probe(String name) {
		return Prometheus.value(this.api.path("/actuator/prometheus").body, name, "probe", "origin");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> last(String name) {
		Api.Answer answer = this.api.path("/actuator/probes");
		assertThat(answer.status).as(answer.body).isEqualTo(200);
		List<Map<String, Object>> probes = (List<Map<String, Object>>) answer.json().get("probes");
		Map<String, Object> probe = probes.stream().filter((p) -> name.equals(p.get("name"))).findFirst().orElseThrow();
		return (Map<String, Object>) probe.get("last");
	}

}
