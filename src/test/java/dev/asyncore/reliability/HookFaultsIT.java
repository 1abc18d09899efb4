package dev.asyncore.reliability;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.listener.DispatcherFactory;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorHealthIndicator;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 7 of issue 7: a listener type ({@code faulty}, a {@link DispatcherFactory} bean as a user
 * would write one) whose connections throw from one chosen hook. Whatever the hook, the loop goes
 * on: the faulty connection is closed and counted, the map returns to its size, the same listener
 * accepts again and the {@code echo} listener next to it keeps echoing, and health stays UP. An
 * {@link Error} from a hook, by contrast, is not swallowed: the loop ends and health is DOWN with it.
 */
@Timeout(60)
class HookFaultsIT {

	/** Where a {@code faulty} connection throws. */
	enum Hook {

		CONSTRUCTOR, AFTER_REGISTRATION, READABLE, WRITABLE, HANDLE_READ, HANDLE_WRITE, HANDLE_CLOSE, HANDLE_ERROR,
		HANDLE_TIMEOUT

	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, FaultyType.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.listeners[1].type=faulty", "asyncore.listeners[1].port=0",
				"asyncore.listeners[1].idle-timeout=200ms");

	@ParameterizedTest
	@EnumSource(Hook.class)
	void whenAHookThrowsThenOnlyThatConnectionClosesAndTheLoopKeepsServing(Hook hook) {
		this.runner.withPropertyValues("asyncore.listeners[1].name=" + hook.name()).run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			ReactorHealthIndicator health = context.getBean(ReactorHealthIndicator.class);
			ListenerStats faulty = stats(context.getBean(ListenerRegistry.class), hook.name());
			Reactor reactor = lifecycle.reactor();
			int baseline = reactor.size();
			int faultyPort = lifecycle.listener(hook.name()).port();
			int echoPort = lifecycle.listener("echo").port();

			for (int round = 1; round <= 2; round++) {
				try (Socket client = Loopback.connect(faultyPort)) {
					trigger(hook, client);
					assertThat(readUntilClosed(client)).as("the faulty connection is closed by the server").isTrue();
				}
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(faulty.activeConnections()).isZero());
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reactor.size()).isEqualTo(baseline));
				assertThat(lifecycle.loopFailure()).isNull();
				assertThat(reactor.submit(lifecycle.listener(hook.name()).dispatcher()::interestString).get())
					.as("the faulty listener still accepts (not paused)").isEqualTo("A");
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				byte[] message = ("still serving after " + hook + " #" + round).getBytes(StandardCharsets.UTF_8);
				assertThat(Loopback.echo(echoPort, message)).isEqualTo(message);
			}
			assertThat(faulty.get(ListenerStats.Counter.ACCEPTS)).as("the faulty listener accepted again").isEqualTo(2);
		});
	}

	@Test
	void whenAHookThrowsAnErrorThenTheLoopEndsAndHealthIsDownWithIt() {
		this.runner.withPropertyValues("asyncore.listeners[1].name=FATAL").run((context) -> {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			try (Socket client = Loopback.connect(lifecycle.listener("FATAL").port())) {
				client.getOutputStream().write('x');
				await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.loopFailure() != null);
			}
			assertThat(lifecycle.loopFailure()).isInstanceOf(HookError.class);
			var health = context.getBean(ReactorHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("loop", "died")
				.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains(HookError.class.getName()));
		});
	}

	private static void trigger(Hook hook, Socket client) throws IOException {
		switch (hook) {
			case HANDLE_TIMEOUT -> {
				// silence: the 200 ms idle timeout fires handleTimeout
			}
			case HANDLE_CLOSE -> {
				client.getOutputStream().write('x');
				client.shutdownOutput();
			}
			default -> client.getOutputStream().write('x');
		}
	}

	/** Reads until end of stream or reset; false if the connection is still open after the read timeout. */
	private static boolean readUntilClosed(Socket client) throws IOException {
		try {
			while (client.getInputStream().read() >= 0) {
				// the faulty handler may echo before it fails
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset: closed too
		}
	}

	private static ListenerStats stats(ListenerRegistry registry, String name) {
		return registry.listeners().stream().filter((l) -> l.name().equals(name)).findFirst().orElseThrow().stats();
	}

	/** Stands for a fatal bug in a hook. */
	static class HookError extends Error {

		HookError() {
			super("simulated fatal error in a hook");
		}

	}

	/** The test listener type: the listener's name says which hook throws. */
	@Configuration(proxyBeanMethods = false)
	static class FaultyType {

		@Bean
		DispatcherFactory faulty() {
			return DispatcherFactory.tcp("faulty", (reactor, channel, listener) -> {
				if (listener.name().equals("FATAL")) {
					return new FaultyHandler(reactor, channel, null);
				}
				Hook hook = Hook.valueOf(listener.name());
				if (hook == Hook.CONSTRUCTOR) {
					throw new IllegalStateException("injected: factory fails");
				}
				return new FaultyHandler(reactor, channel, hook);
			});
		}

	}

	/** Echoes, except that it throws from {@code hook} ({@code null}: throws an Error on read). */
	static final class FaultyHandler extends BufferedDispatcher {

		private final Hook hook;

		private boolean wantsWrite;

		FaultyHandler(Reactor reactor, SocketChannel channel, Hook hook) {
			super(reactor, channel);
			this.hook = hook;
			if (hook == Hook.AFTER_REGISTRATION) {
				throw new IllegalStateException("injected: constructor fails after the channel is in the map");
			}
		}

		private RuntimeException injected() {
			return new IllegalStateException("injected fault in " + this.hook);
		}

		@Override
		public boolean readable() {
			if (this.hook == Hook.READABLE) {
				throw injected();
			}
			return true;
		}

		@Override
		public boolean writable() {
			if (this.hook == Hook.WRITABLE) {
				throw injected();
			}
			return this.wantsWrite || super.writable();
		}

		@Override
		protected void handleRead() {
			if (this.hook == null) {
				throw new HookError();
			}
			if (this.hook == Hook.HANDLE_READ || this.hook == Hook.HANDLE_ERROR) {
				throw injected();
			}
			ByteBuffer buffer = this.reactor.readBuffer();
			if (recv(buffer) > 0 && this.hook == Hook.HANDLE_WRITE) {
				this.wantsWrite = true;
			}
		}

		@Override
		protected void handleWrite() {
			if (this.hook == Hook.HANDLE_WRITE) {
				throw injected();
			}
			super.handleWrite();
		}

		@Override
		protected void handleClose() {
			if (this.hook == Hook.HANDLE_CLOSE) {
				throw injected();
			}
			super.handleClose();
		}

		@Override
		protected void handleError(Throwable error) {
			if (this.hook == Hook.HANDLE_ERROR) {
				throw injected();
			}
			super.handleError(error);
		}

		@Override
		protected void handleTimeout() {
			if (this.hook == Hook.HANDLE_TIMEOUT) {
				throw injected();
			}
			close();
		}

	}

}
