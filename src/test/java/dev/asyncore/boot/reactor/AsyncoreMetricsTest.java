package dev.asyncore.boot.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.AsyncoreProperties.Protocol;
import dev.asyncore.boot.config.AsyncoreProperties.ReactorProperties;
import dev.asyncore.boot.config.AsyncoreProperties.TlsProperties;
import dev.asyncore.boot.listener.DispatcherFactory;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.Reactor;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters read the loop's counters: no socket, only what each meter reports. */
class AsyncoreMetricsTest {

	private final Reactor reactor = new Reactor("r1");

	private final ListenerRegistry listeners = new ListenerRegistry(
			new AsyncoreProperties(new ReactorProperties("r1", Duration.ofSeconds(1),
					Duration.ofSeconds(30), 1, null, Duration.ofSeconds(30)), List.of(listener("a", 7), listener("b", 0), udp("u")),
					null, List.of()),
			List.of(DispatcherFactory.of("echo", (reactor, channel, listener) -> null, (reactor, address, stats) -> null)),
			null);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	/** Held by the test: Micrometer gauges reference their object weakly, and a GC would turn them to NaN. */
	private final ReactorLifecycle lifecycle = new ReactorLifecycle(this.reactor, this.listeners, null);

	@AfterEach
	void close() {
		this.reactor.close();
	}

	@Test
	void whenCountersMoveThenEachMeterReportsItsOwnCounterWithLowCardinalityTags() {
		new AsyncoreMetrics(this.listeners, this.lifecycle).bindTo(this.registry);
		ListenerStats a = this.listeners.listeners().get(0).stats();
		a.add(Counter.BYTES_RECEIVED, 100);
		a.add(Counter.BYTES_SENT, 60);
		a.increment(Counter.REJECTED);
		a.increment(Counter.REJECTED);

		assertThat(counter("asyncore.bytes", "a", "direction", "received")).isEqualTo(100);
		assertThat(counter("asyncore.bytes", "a", "direction", "sent")).isEqualTo(60);
		assertThat(counter("asyncore.bytes", "b", "direction", "received")).isZero();
		assertThat(counter("asyncore.events", "a", "event", "rejected")).isEqualTo(2);
		a.increment(Counter.TLS_HANDSHAKE_FAILED);
		assertThat(counter("asyncore.events", "a", "event", "tls_handshake_failed")).isEqualTo(1);
		assertThat(counter("asyncore.events", "a", "event", "error")).isZero();
		assertThat(this.registry.find("asyncore.events").tag("listener", "a").meters()).hasSize(9);
		assertThat(this.registry.get("asyncore.bytes").tag("listener", "a").functionCounter().getId().getBaseUnit())
			.isEqualTo("bytes");
		assertThat(this.registry.get("asyncore.connections.max").tag("listener", "a").gauge().value()).isEqualTo(7);
		assertThat(this.registry.get("asyncore.listener.bound").tag("listener", "a").gauge().value()).isZero();
		assertThat(this.registry.get("asyncore.map.size").tag("reactor", "r1").gauge().value()).isZero();
		assertThat(this.registry.get("asyncore.loop.select").tag("reactor", "r1").functionTimer().count()).isZero();
		assertThat(this.registry.get("asyncore.loop.dispatch").functionTimer().totalTime(TimeUnit.NANOSECONDS))
			.isZero();
		assertThat(this.registry.get("asyncore.buffered").tag("reactor", "r1").gauge().value()).isZero();
		assertThat(this.registry.get("asyncore.buffered.max").tag("reactor", "r1").gauge().value())
			.isEqualTo(this.reactor.memoryBudget().max())
			.isPositive();
		a.increment(Counter.EVICTIONS);
		assertThat(counter("asyncore.evictions", "a")).isEqualTo(1);
		// a UDP listener has no connections: no connection gauges, but its events and bytes
		assertThat(this.registry.find("asyncore.connections.active").tag("listener", "u").meters()).isEmpty();
		assertThat(this.registry.find("asyncore.connections.max").tag("listener", "u").meters()).isEmpty();
		assertThat(this.registry.find("asyncore.bytes").tag("listener", "u").meters()).hasSize(2);
		assertThat(this.registry.find("asyncore.connections.active").tag("listener", "b").meters()).hasSize(1);
		assertThat(this.registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
			.allSatisfy((tag) -> assertThat(tag.getKey()).isIn("reactor", "listener", "event", "direction")));
	}

	private double counter(String name, String listener) {
		return this.registry.get(name).tag("listener", listener).functionCounter().count();
	}

	private double counter(String name, String listener, String key, String value) {
		FunctionCounter counter = this.registry.get(name).tag("listener", listener).tag(key, value).functionCounter();
		return counter.count();
	}

	private static ListenerProperties udp(String name) {
		return new ListenerProperties(name, "echo", Protocol.UDP, "127.0.0.1", 0, 1024, 10000,
				Duration.ZERO, DataSize.ofMegabytes(1),
				new TlsProperties(false, null), null, null);
	}

	private static ListenerProperties listener(String name, int maxConnections) {
		return new ListenerProperties(name, "echo", Protocol.TCP, "127.0.0.1", 0, 1024, maxConnections,
				Duration.ZERO, DataSize.ofMegabytes(1),
				new TlsProperties(false, null), null, null);
	}

}
