package dev.asyncore.boot.reactor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.asyncore.core.Reactor;

/**
 * Health of the reactor (contributor {@code reactor}, part of the liveness and readiness groups):
 * UP while the loop thread runs, answers a question within {@link #ANSWER_TIMEOUT}, completed a pass
 * within {@code asyncore.reactor.stall-timeout}, and every configured listener is bound. Details:
 * the map size, the age of the last loop pass and each listener's address.
 */
public class ReactorHealthIndicator implements HealthIndicator {

	/** How long the loop may take to answer before it counts as stuck. */
	static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);

	private final ReactorLifecycle lifecycle;

	private final Duration stallTimeout;

	public ReactorHealthIndicator(ReactorLifecycle lifecycle, Duration stallTimeout) {
		this.lifecycle = lifecycle;
		this.stallTimeout = stallTimeout;
	}

	@Override
	public Health health() {
		Reactor reactor = this.lifecycle.reactor();
		List<Reactor> loops = this.lifecycle.reactors();
		int mapSize = 0;
		Duration lastPassAge = Duration.ZERO;
		for (Reactor loop : loops) {
			mapSize += loop.size();
			lastPassAge = (loop.lastPassAge().compareTo(lastPassAge) > 0) ? loop.lastPassAge() : lastPassAge;
		}
		Health.Builder builder = Health.up()
			.withDetail("reactor", reactor.name())
			.withDetail("threads", loops.size())
			.withDetail("mapSize", mapSize)
			.withDetail("lastPassAgeMillis", lastPassAge.toMillis());
		Throwable failure = this.lifecycle.loopFailure();
		if (failure != null) {
			return builder.down(failure).withDetail("loop", "died").build();
		}
		if (!this.lifecycle.isRunning()) {
			return builder.down().withDetail("loop", "not running").build();
		}
		if (lastPassAge.compareTo(this.stallTimeout) > 0) {
			return builder.down().withDetail("loop", "stalled for more than " + this.stallTimeout).build();
		}
		List<ListenerState> states;
		try {
			states = this.lifecycle.listenerStates().get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return builder.down().withDetail("loop", "did not answer within " + ANSWER_TIMEOUT).build();
		}
		catch (RejectedExecutionException | ExecutionException ex) {
			return builder.down(ex).withDetail("loop", "not running").build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return builder.unknown().build();
		}
		builder.withDetail("loop", "running");
		Map<String, String> listeners = new LinkedHashMap<>();
		for (ListenerState state : states) {
			listeners.put(state.name(), state.bound() ? state.protocol() + " " + state.address() : "not bound");
			if (!state.bound()) {
				builder.down();
			}
		}
		return builder.withDetail("listeners", listeners).build();
	}

}
