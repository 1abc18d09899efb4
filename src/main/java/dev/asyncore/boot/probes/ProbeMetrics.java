package dev.asyncore.boot.probes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.asyncore.http.FetchResult;

/**
 * Blackbox-style gauges of each probe's last result, tagged {@code probe} (the configured name):
 * {@code asyncore.probe.success} (1 or 0), {@code asyncore.probe.status} (status code, 0 without a
 * response), {@code asyncore.probe.duration} (seconds, tag {@code phase}) and, for https probes,
 * {@code asyncore.probe.tls.expiry} (seconds until the certificate expires). Gauges read the
 * probes' volatile results at scrape time; before a probe's first run they are NaN.
 */
public class ProbeMetrics implements MeterBinder {

	private final List<Probe> probes;

	public ProbeMetrics(List<Probe> probes) {
		this.probes = List.copyOf(probes);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Probe probe : this.probes) {
			gauge(registry, probe, "asyncore.probe.success", "1 if the probe's last run succeeded, else 0", null,
					(r) -> r.success() ? 1.0 : 0.0);
			gauge(registry, probe, "asyncore.probe.status", "Status code of the probe's last run (0: no response)",
					null, (r) -> (double) r.status());
			phase(registry, probe, "dns", FetchResult.Timings::dns);
			phase(registry, probe, "connect", FetchResult.Timings::connect);
			phase(registry, probe, "tls", FetchResult.Timings::tls);
			phase(registry, probe, "first_byte", FetchResult.Timings::firstByte);
			Gauge.builder("asyncore.probe.duration", probe, (p) -> seconds(p.last(), ProbeResult::elapsed))
				.description("Duration of the probe's last run by phase")
				.tags("probe", probe.name(), "phase", "total")
				.baseUnit("seconds")
				.register(registry);
			if ("https".equalsIgnoreCase(probe.uri().getScheme())) {
				gauge(registry, probe, "asyncore.probe.tls.expiry",
						"Seconds until the certificate seen by the probe's last run expires", "seconds",
						(r) -> (r.certificateNotAfter() != null)
								? Duration.between(Instant.now(), r.certificateNotAfter()).toMillis() / 1000.0
								: Double.NaN);
			}
		}
	}

	private static void gauge(MeterRegistry registry, Probe probe, String name, String description, String unit,
			Function<ProbeResult, Double> value) {
		Gauge.builder(name, probe, (p) -> (p.last() != null) ? value.apply(p.last()) : Double.NaN)
			.description(description)
			.tags("probe", probe.name())
			.baseUnit(unit)
			.register(registry);
	}

	private static void phase(MeterRegistry registry, Probe probe, String phase,
			Function<FetchResult.Timings, Duration> of) {
		Gauge.builder("asyncore.probe.duration", probe,
				(p) -> (p.last() != null && p.last().timings() != null)
						? of.apply(p.last().timings()).toNanos() / 1e9 : Double.NaN)
			.description("Duration of the probe's last run by phase")
			.tags("probe", probe.name(), "phase", phase)
			.baseUnit("seconds")
			.register(registry);
	}

	private static double seconds(ProbeResult result, Function<ProbeResult, Duration> of) {
		return (result != null) ? of.apply(result).toNanos() / 1e9 : Double.NaN;
	}

}
