package dev.asyncore.boot.reactor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.Reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ReactorHealthIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.listeners[1].name=udp",
				"asyncore.listeners[1].protocol=udp", "asyncore.listeners[1].port=0");

	@Test
	void whenLoopRunsAndListenersAreBoundThenHealthIsUpWithTheirAddresses() {
		this.runner.run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			Health health = context.getBean(ReactorHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("reactor", "asyncore-reactor")
				.containsEntry("loop", "running")
				.containsEntry("mapSize", 2)
				.containsKey("lastPassAgeMillis");
			assertThat(health.getDetails().get("listeners")).isEqualTo(
					Map.of("echo", "tcp 127.0.0.1:" + lifecycle.listener("echo").port(), "udp",
							"udp 127.0.0.1:" + lifecycle.listener("udp").port()));
		});
	}

	@Test
	void whenListenerIsNoLongerBoundThenHealthIsDownNamingIt() {
		this.runner.run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			lifecycle.reactor().submit(() -> {
				lifecycle.listener("echo").dispatcher().close();
				return null;
			}).get();
			Health health = context.getBean(ReactorHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("listeners")).isEqualTo(
					Map.of("echo", "not bound", "udp", "udp 127.0.0.1:" + lifecycle.listener("udp").port()));
		});
	}

	@Test
	void whenListenersWereNeverBoundThenHealthIsDown() {
		this.runner.run((context) -> {
			ReactorLifecycle unstarted = new ReactorLifecycle(new Reactor("unstarted"),
					context.getBean(ListenerRegistry.class), context.getBean(AsyncoreProperties.class).reactor());
			Health health = new ReactorHealthIndicator(unstarted, Duration.ofSeconds(30)).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("loop", "not running");
			unstarted.reactor().close();
		});
	}

	@Test
	void whenLoopThreadDiesThenHealthIsDownWithTheCause() {
		this.runner.run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			ReactorHealthIndicator indicator = context.getBean(ReactorHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

			// An Error escapes every hook guard and ends the loop thread, as a real bug would.
			lifecycle.reactor().execute(() -> {
				throw new LoopKiller();
			});

			await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.loopFailure() != null);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("loop", "died")
				.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("LoopKiller"));
			assertThat(lifecycle.isRunning()).isFalse();
		});
	}

	@Test
	void whenLoopStallsPastTheStallTimeoutThenHealthIsDown() {
		this.runner.withPropertyValues("asyncore.reactor.stall-timeout=200ms").run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			ReactorHealthIndicator indicator = context.getBean(ReactorHealthIndicator.class);
			CountDownLatch release = new CountDownLatch(1);
			// A hook that blocks the loop: exactly what the stall check is for.
			lifecycle.reactor().execute(() -> {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			try {
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					Health health = indicator.health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("loop").toString()).startsWith("stalled");
				});
			}
			finally {
				release.countDown();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().equals(Status.UP));
		});
	}

	/** Stands for a bug that ends the loop thread. */
	static class LoopKiller extends Error {

		LoopKiller() {
			super("simulated fatal error on the loop thread");
		}

	}

}
