package dev.asyncore.boot.reactor;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.Loopback;
import dev.asyncore.core.Reactor;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code asyncore.reactor.threads}: one acceptor hands connections to every loop in turn. */
@Timeout(60)
class MultiReactorIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=2s", "asyncore.reactor.thread-name=loop",
				"asyncore.listeners[0].name=echo", "asyncore.listeners[0].type=echo",
				"asyncore.listeners[0].host=127.0.0.1", "asyncore.listeners[0].port=0");

	@Test
	void whenTwoThreadsAreConfiguredThenConnectionsAlternateBetweenTwoLoopsAndAllAreDrainedOnStop() {
		this.runner.withPropertyValues("asyncore.reactor.threads=2").run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			List<Reactor> loops = lifecycle.reactors();
			assertThat(loops).extracting(Reactor::name).containsExactly("loop", "loop-1");
			int port = lifecycle.listener("echo").port();
			List<Socket> sockets = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Socket socket = Loopback.connect(port);
				sockets.add(socket);
				assertThat(Loopback.roundTrip(socket, "ping " + i)).isEqualTo("ping " + i);
			}
			List<String> threads = new ArrayList<>();
			List<Integer> sizes = new ArrayList<>();
			for (Reactor loop : loops) {
				threads.add(loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
				sizes.add(loop.submit(loop::size).get(10, TimeUnit.SECONDS));
			}
			assertThat(threads).containsExactly("loop", "loop-1");
			assertThat(sizes).containsExactly(3, 2); // the listener and two connections, two connections
			ReactorEndpoint.ReactorDescriptor described = context.getBean(ReactorEndpoint.class).reactor();
			assertThat(described.threads()).isEqualTo(2);
			assertThat(described.mapSize()).isEqualTo(5);
			assertThat(described.dispatchers()).hasSize(5);

			context.close();
			assertThat(lifecycle.isRunning()).isFalse();
			for (Socket socket : sockets) {
				InputStream in = socket.getInputStream();
				assertThat(in.read()).as("every connection, on either loop, is closed by the drain").isEqualTo(-1);
				socket.close();
			}
			assertThat(loops).allSatisfy((loop) -> assertThat(loop.isLooping()).isFalse());
		});
	}

	@Test
	void whenThreadsIsBelowOneThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("asyncore.reactor.threads=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("asyncore.reactor.threads")
				.contains("must be at least 1");
		});
	}

	@Test
	void whenThreadsIsLeftOutThenThereIsOneLoop() {
		this.runner.run((context) -> assertThat(context.getBean(ReactorLifecycle.class).reactors()).hasSize(1));
	}

}
