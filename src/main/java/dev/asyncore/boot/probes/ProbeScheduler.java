package dev.asyncore.boot.probes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.asyncore.boot.fetch.FetchMetrics;
import dev.asyncore.boot.fetch.FetchService;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.http.FetchResult;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.http.HttpProber;

/**
 * Runs the probes on the reactor: each probe is a reactor timer that runs blackbox_exporter's http
 * prober ({@link HttpProber}, the one behind {@code /probe}) with the probe's module, and the
 * completion schedules the next run {@code interval} later. No thread per probe and no blocking
 * anywhere. Each run obeys the service's fetch policy with the probe's {@code timeout}.
 *
 * <p>Starts after {@link ReactorLifecycle} and stops before it. Completions run on the loop thread:
 * they replace the probe's result (a volatile write) and make one {@link FetchMetrics} call.
 */
public class ProbeScheduler implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProbeScheduler.class);

	private final List<Probe> probes;

	private final Reactor reactor;

	private final HttpProber prober;

	private final FetchMetrics metrics;

	private final Map<String, TimerHandle> timers = new ConcurrentHashMap<>();

	private volatile boolean running;

	public ProbeScheduler(List<Probe> probes, ReactorLifecycle lifecycle, HttpProber prober, FetchMetrics metrics) {
		this.probes = List.copyOf(probes);
		this.reactor = lifecycle.reactor();
		this.prober = prober;
		this.metrics = metrics;
	}

	public List<Probe> probes() {
		return this.probes;
	}

	@Override
	public void start() {
		this.running = true;
		for (Probe probe : this.probes) {
			schedule(probe, Duration.ZERO);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.timers.values().forEach(TimerHandle::cancel);
		this.timers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** After the reactor's lifecycle: started once the loop runs, stopped before it drains. */
	@Override
	public int getPhase() {
		return ReactorLifecycle.PHASE + 1;
	}

	private void schedule(Probe probe, Duration delay) {
		if (!this.running) {
			return;
		}
		try {
			this.timers.put(probe.name(), this.reactor.schedule(delay, () -> run(probe)));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Probe '{}' not rescheduled: the reactor is closed", probe.name(), ex);
		}
	}

	/** Loop thread (a timer): starts one probe; its completion schedules the next run. */
	private void run(Probe probe) {
		if (!this.running) {
			return;
		}
		long start = System.nanoTime();
		this.prober.probe(probe.options(), probe.uri().toString(), probe.properties().timeout(), new ProbeReport(),
				new ProbeLog(probe.name(), probe.uri().toString(), false)).whenComplete((outcome, error) -> {
					Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
					Throwable cause = (outcome != null) ? FetchService.unwrap(outcome.failure()) : error;
					FetchResult result = (outcome != null) ? outcome.result() : null;
					probe.completed(outcome != null && outcome.success(), result, cause, elapsed);
					this.metrics.record(result, cause, elapsed);
					if (result == null && cause != null) {
						logger.debug("Probe '{}' of {} failed: {}", probe.name(), probe.uri(), cause.getMessage());
					}
					schedule(probe, probe.properties().interval());
				});
	}

}
