package dev.asyncore.boot.probes;

import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.asyncore.probe.ProbeMemory;

/**
 * The probe memory budgets, tagged {@code budget} ({@code blackbox}: the {@code /probe} side's
 * {@code asyncore.blackbox.probe-memory}; {@code probes}: the scheduled {@code asyncore.probes}):
 * {@code asyncore.probe.memory.used} and {@code asyncore.probe.memory.max} (gauges, bytes) and
 * {@code asyncore.probe.memory.refusals} (counter: reservations refused, each a probe that failed
 * at its share or at the total). Read from the budgets' atomics at scrape time.
 */
public class ProbeMemoryMetrics implements MeterBinder {

	private final Map<String, ProbeMemory> budgets;

	/** @param budgets each budget by the value of its {@code budget} tag */
	public ProbeMemoryMetrics(Map<String, ProbeMemory> budgets) {
		this.budgets = Map.copyOf(budgets);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.budgets.forEach((name, memory) -> {
			Gauge.builder("asyncore.probe.memory.used", memory, ProbeMemory::used)
				.description("Bytes that running probes hold against the probe memory budget")
				.tags("budget", name)
				.baseUnit("bytes")
				.register(registry);
			Gauge.builder("asyncore.probe.memory.max", memory, ProbeMemory::max)
				.description("The probe memory budget: the most all probes may hold at once")
				.tags("budget", name)
				.baseUnit("bytes")
				.register(registry);
			FunctionCounter.builder("asyncore.probe.memory.refusals", memory, ProbeMemory::refusals)
				.description("Reservations the probe memory budget refused: probes failed at their share or at the total")
				.tags("budget", name)
				.register(registry);
		});
	}

}
