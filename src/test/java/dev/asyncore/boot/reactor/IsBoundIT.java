package dev.asyncore.boot.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** isBound is read on the scrape thread without asking the loop: it must see the loop's close. */
@Timeout(60)
class IsBoundIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0");

	@Test
	void whenTheLoopClosesTheListenerThenIsBoundTurnsFalseOnAnotherThread() {
		this.runner.run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			assertThat(lifecycle.isBound("echo")).isTrue();
			assertThat(lifecycle.isBound("nonexistent")).isFalse();
			lifecycle.reactor().execute(() -> lifecycle.listener("echo").dispatcher().close());
			await().atMost(Duration.ofSeconds(10)).until(() -> !lifecycle.isBound("echo"));
		});
	}

}
