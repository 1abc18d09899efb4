package dev.asyncore.boot.fetch;

import java.time.Duration;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.asyncore.http.FetchException;

import static org.assertj.core.api.Assertions.assertThat;

class FetchMetricsTest {

	private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	private final FetchMetrics metrics = new FetchMetrics(this.registry);

	@Test
	void fetchesThatNeverReachedTheNetworkAreCountedButNotTimed() {
		this.metrics.record(null, new FetchException.Refused("Refusing to fetch 127.0.0.1"), Duration.ofMillis(1));
		this.metrics.record(null, new FetchException.InvalidUrl("not a URL"), Duration.ofMillis(1));
		assertThat(this.registry.get("asyncore.fetch.requests").tag("outcome", "refused").counter().count()).isEqualTo(1);
		assertThat(this.registry.find("asyncore.fetch.duration").timers()).isEmpty();

		this.metrics.record(null, new FetchException.Timeout("read", "no byte for 10s"), Duration.ofSeconds(10));
		Timer total = this.registry.get("asyncore.fetch.duration").tag("phase", "total").timer();
		assertThat(total.count()).isEqualTo(1);
	}

	@Test
	void theHistogramHasAtMostTwelveBuckets() {
		this.metrics.record(null, new FetchException.Timeout("read", "no byte for 10s"), Duration.ofSeconds(10));
		long buckets = this.registry.scrape()
			.lines()
			.filter((line) -> line.startsWith("asyncore_fetch_duration_seconds_bucket{phase=\"total\""))
			.count();
		assertThat(buckets).isBetween(2L, 12L);
	}

}
