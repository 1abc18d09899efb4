package dev.asyncore.boot.reactor;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.listener.ConfiguredListener;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.MemoryBudget;
import dev.asyncore.core.Reactor;

/**
 * The {@code asyncore.*} meters of the reactor and its listeners. Every meter reads the counters the
 * loop thread keeps in plain fields ({@link ListenerStats}, {@link Reactor#iterations()}...) when it
 * is scraped: nothing on the loop thread calls Micrometer. Tags are low-cardinality: {@code reactor},
 * {@code listener}, {@code event}, {@code direction}. Besides the meters of the design, two gauges
 * serve the alert rules: {@code asyncore.listener.bound} and {@code asyncore.connections.max}.
 */
public class AsyncoreMetrics implements MeterBinder {

	/** The {@code event} tag of {@code asyncore.events} for each counter. */
	private static final Map<String, Counter> EVENTS = Map.of("accept", Counter.ACCEPTS, "connect",
			Counter.CONNECTS, "read", Counter.READS, "write", Counter.WRITES, "close", Counter.CLOSES, "error",
			Counter.ERRORS, "rejected", Counter.REJECTED, "timeout", Counter.TIMEOUTS, "tls_handshake_failed",
			Counter.TLS_HANDSHAKE_FAILED);

	private final ListenerRegistry listeners;

	private final ReactorLifecycle lifecycle;

	public AsyncoreMetrics(ListenerRegistry listeners, ReactorLifecycle lifecycle) {
		this.listeners = listeners;
		this.lifecycle = lifecycle;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		bindReactors(registry);
		for (ConfiguredListener listener : this.listeners.listeners()) {
			boolean tcp = listener.properties().protocol() == AsyncoreProperties.Protocol.TCP;
			bindListener(registry, listener.stats(), tcp);
			bindLimits(registry, listener, tcp);
		}
	}

	private void bindReactors(MeterRegistry registry) {
		for (Reactor reactor : this.lifecycle.reactors()) {
			bindReactor(registry, reactor);
		}
	}

	private void bindReactor(MeterRegistry registry, Reactor reactor) {
		Tags tags = Tags.of("reactor", reactor.name());
		Gauge.builder("asyncore.map.size", reactor, Reactor::size)
			.description("Dispatchers in the reactor's map: listeners and connections")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("asyncore.loop.iterations", reactor, Reactor::iterations)
			.description("Passes of the event loop")
			.tags(tags)
			.register(registry);
		FunctionTimer
			.builder("asyncore.loop.select", reactor, Reactor::iterations, Reactor::selectNanos,
					TimeUnit.NANOSECONDS)
			.description("Time the loop spent waiting in the selector")
			.tags(tags)
			.register(registry);
		FunctionTimer
			.builder("asyncore.loop.dispatch", reactor, Reactor::iterations, Reactor::dispatchNanos,
					TimeUnit.NANOSECONDS)
			.description("Time the loop spent running hooks, timers and tasks")
			.tags(tags)
			.register(registry);
		Gauge.builder("asyncore.buffered", reactor.memoryBudget(), MemoryBudget::used)
			.description("Bytes the reactor's output queues hold, counted against its memory budget")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.register(registry);
		Gauge.builder("asyncore.buffered.max", reactor.memoryBudget(), MemoryBudget::max)
			.description("The reactor's memory budget (asyncore.reactor.max-buffered-bytes)")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags)
			.register(registry);
	}

	/** Not in the design's table: what the alert rules need to see a listener lost or near its limit. */
	private void bindLimits(MeterRegistry registry, ConfiguredListener listener, boolean tcp) {
		Tags tags = Tags.of("listener", listener.name());
		Gauge.builder("asyncore.listener.bound", this.lifecycle, (l) -> l.isBound(listener.name()) ? 1 : 0)
			.description("1 while the listener's socket is bound, else 0")
			.tags(tags)
			.register(registry);
		if (!tcp) {
			return; // a UDP listener has no connections, so no limit on them
		}
		Gauge.builder("asyncore.connections.max", listener, (l) -> l.properties().maxConnections())
			.description("The listener's max-connections (0: no limit)")
			.tags(tags)
			.register(registry);
	}

	private void bindListener(MeterRegistry registry, ListenerStats stats, boolean tcp) {
		Tags tags = Tags.of("listener", stats.name());
		EVENTS.forEach((event, counter) -> FunctionCounter.builder("asyncore.events", stats, (s) -> s.get(counter))
			.description("Events of the listener and its connections")
			.tags(tags.and("event", event))
			.register(registry));
		FunctionCounter.builder("asyncore.bytes", stats, (s) -> s.get(Counter.BYTES_RECEIVED))
			.description("Bytes moved by the listener's connections")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags.and("direction", "received"))
			.register(registry);
		FunctionCounter.builder("asyncore.bytes", stats, (s) -> s.get(Counter.BYTES_SENT))
			.description("Bytes moved by the listener's connections")
			.baseUnit(BaseUnits.BYTES)
			.tags(tags.and("direction", "sent"))
			.register(registry);
		FunctionCounter.builder("asyncore.evictions", stats, (s) -> s.get(Counter.EVICTIONS))
			.description("Connections closed because they held more than their share of a full memory budget")
			.tags(tags)
			.register(registry);
		if (!tcp) {
			return;
		}
		Gauge.builder("asyncore.connections.active", stats, ListenerStats::activeConnections)
			.description("Open connections of the listener")
			.tags(tags)
			.register(registry);
	}

}
