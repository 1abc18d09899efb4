package dev.asyncore.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.boot.reactor.ListenerState;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.ListenerStats.Counter;

/**
 * {@code protocol: unix} listeners ({@code echo} and {@code discard} on a {@code path}) with CPython's
 * asyncore as the client, sending before its connect completes.
 */
@Timeout(120)
class UnixListenerInteropIT {

	@TempDir
	static Path dir;

	@BeforeAll
	static void requirePythonAsyncore() throws Exception {
		Process process = new ProcessBuilder("python3", "-W", "ignore", "-c", "import asyncore").start();
		assumeTrue(process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0,
				"python3 with the asyncore module (Python <= 3.11) is required");
	}

	private ApplicationContextRunner runner(Path echo, Path discard) {
		return new ApplicationContextRunner().withUserConfiguration(ReactorConfiguration.class)
			.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=local-echo",
					"asyncore.listeners[0].type=echo", "asyncore.listeners[0].protocol=unix",
					"asyncore.listeners[0].path=" + echo, "asyncore.listeners[1].name=local-discard",
					"asyncore.listeners[1].type=discard", "asyncore.listeners[1].protocol=unix",
					"asyncore.listeners[1].path=" + discard);
	}

	@Test
	void whenPythonAsyncoreTalksToUnixListenersThenEchoComesBackAndDiscardCountsEverything() {
		Path echo = dir.resolve("echo.sock");
		Path discard = dir.resolve("discard.sock");
		runner(echo, discard).run((context) -> {
			assertThat(context).hasNotFailed();
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			assertThat(lifecycle.isBound("local-echo")).isTrue();
			assertThat(lifecycle.listenerStates().get(10, TimeUnit.SECONDS)).extracting(ListenerState::address)
				.containsExactly(echo.toString(), discard.toString());
			for (int size : new int[] { 1, 70_000, 2 * 1024 * 1024 }) {
				assertThat(python(echo, size, "echo")).isEqualTo("OK " + size);
			}
			assertThat(python(discard, 100_000, "discard")).isEqualTo("OK 100000");
			ListenerRegistry registry = context.getBean(ListenerRegistry.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.listeners().get(1).stats().get(Counter.BYTES_RECEIVED) == 100_000);
		});
		assertThat(Files.exists(echo)).as("socket files are removed when the listeners close").isFalse();
		assertThat(Files.exists(discard)).isFalse();
	}

	@Test
	void whenAUnixListenerHasNoPathThenStartupFailsNamingTheProperty() {
		new ApplicationContextRunner().withUserConfiguration(ReactorConfiguration.class)
			.withPropertyValues("asyncore.listeners[0].name=local", "asyncore.listeners[0].protocol=unix")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.hasMessageContaining("asyncore.listeners[0].path"));
	}

	private static String python(Path socket, int size, String mode) throws Exception {
		Path script = Path.of(UnixListenerInteropIT.class.getResource("/python/asyncore_unix_client.py").toURI());
		Process client = new ProcessBuilder("python3", script.toString(), socket.toString(), String.valueOf(size), mode)
			.redirectErrorStream(true)
			.start();
		String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return output;
	}

}
