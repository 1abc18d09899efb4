package dev.asyncore.boot.fetch;

import java.time.Duration;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.asyncore.http.FetchResult;

/**
 * {@code asyncore.fetch.requests} (tags {@code outcome}, {@code status}) and
 * {@code asyncore.fetch.duration} (a timer with a histogram, tag {@code phase}): one call per
 * completed fetch, never per socket event. Any thread. Tags are low-cardinality: the outcome is one
 * of a closed set ({@link FetchOutcome}), the status an HTTP status code (or {@code none}); never the URL.
 */
public class FetchMetrics {

	/** The {@code phase} tags of {@code asyncore.fetch.duration}. */
	static final String[] PHASES = { "dns", "connect", "tls", "first_byte", "total" };

	/** The histogram's buckets: 11 bounds from 5 ms to 30 s (the default total timeout), SLO-style. */
	static final Duration[] BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000, 30000)
		.map(Duration::ofMillis)
		.toArray(Duration[]::new);

	private final MeterRegistry registry;

	public FetchMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Counts a fetch that ended with {@code result} or {@code failure}, which took {@code elapsed}. */
	public void record(FetchResult result, Throwable failure, Duration elapsed) {
		if (result != null) {
			count(FetchOutcome.SUCCESS, Integer.toString(result.status()));
			FetchResult.Timings t = result.timings();
			time("dns", t.dns());
			time("connect", t.connect());
			time("tls", t.tls());
			time("first_byte", t.firstByte());
			time("total", t.total());
		}
		else {
			FetchOutcome outcome = FetchOutcome.of(failure);
			count(outcome, "none");
			// Refused, invalid and unavailable fetches never reached the network: their
			// microseconds would only pull the latency histogram down.
			if (outcome.sent()) {
				time("total", elapsed);
			}
		}
	}

	private void count(FetchOutcome outcome, String status) {
		Counter.builder("asyncore.fetch.requests")
			.description("Completed fetches by outcome and final status code")
			.tags("outcome", outcome.tag(), "status", status)
			.register(this.registry)
			.increment();
	}

	private void time(String phase, Duration duration) {
		Timer.builder("asyncore.fetch.duration")
			.description("Duration of fetch phases (the final hop's; total covers redirects and DNS)")
			.tags("phase", phase)
			.serviceLevelObjectives(BUCKETS)
			.register(this.registry)
			.record(duration);
	}

}
