package dev.asyncore.boot.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.MemoryBudget;
import dev.asyncore.core.Reactor;

/** {@code asyncore.reactor.max-buffered-bytes} and {@code over-budget-timeout} reach every loop's budget. */
@Timeout(30)
class MemoryBudgetConfigurationIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0");

	@Test
	void whenMaxBufferedBytesIsSetThenEveryLoopOfTheGroupHasThatBudget() {
		this.runner.withPropertyValues("asyncore.reactor.threads=2", "asyncore.reactor.max-buffered-bytes=4MB",
				"asyncore.reactor.over-budget-timeout=5s")
			.run((context) -> {
				ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
				assertThat(lifecycle.reactors()).hasSize(2).allSatisfy((Reactor reactor) -> {
					assertThat(reactor.memoryBudget().max()).isEqualTo(4L * 1024 * 1024);
					assertThat(reactor.memoryBudget().evictionTimeout()).isEqualTo(Duration.ofSeconds(5));
				});
			});
	}

	@Test
	void whenMaxBufferedBytesIsUnsetThenTheBudgetIsHalfTheDirectMemoryLimit() {
		this.runner.run((context) -> assertThat(context.getBean(ReactorLifecycle.class).reactor().memoryBudget().max())
			.isEqualTo(MemoryBudget.defaultMax())
			.isPositive());
	}

	@Test
	void whenMaxBufferedBytesIsTooSmallThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("asyncore.reactor.max-buffered-bytes=64KB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("asyncore.reactor.max-buffered-bytes")
				.contains("must be at least 128KB");
		});
	}

}
