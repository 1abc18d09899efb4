package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.AsyncoreProperties.Protocol;
import dev.asyncore.boot.config.AsyncoreProperties.ReactorProperties;
import dev.asyncore.boot.config.AsyncoreProperties.TlsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The required values and bounds of {@code asyncore.*} that plain checks enforce while binding: each
 * failure names the property, the value and what is allowed. An empty setting binds the default, so
 * a missing value can only come from code that builds the records; those cases construct them.
 */
class RequiredValuesTest {

	private static final String L = "asyncore.listeners[0].";

	private static final Duration D = Duration.ofSeconds(1);

	private static final DataSize S = DataSize.ofKilobytes(64);

	private static AsyncoreProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("asyncore",
				AsyncoreProperties.class);
	}

	private static void assertBindingFails(Map<String, String> properties, String message) {
		assertThatThrownBy(() -> bind(properties)).isInstanceOf(BindException.class)
			.satisfies((failure) -> assertThat(Failures.messages(failure)).contains(message));
	}

	private static void assertFails(Executable construction, String message) {
		assertThatThrownBy(construction::execute).isInstanceOf(InvalidConfigurationException.class)
			.hasMessage(message);
	}

	@Test
	void whenThreadNameIsBlankThenBindingFailsNamingTheProperty() {
		assertBindingFails(Map.of("asyncore.reactor.thread-name", " "),
				"asyncore.reactor.thread-name: must not be blank, was ' '");
	}

	@Test
	void whenAReactorDurationIsMissingThenConstructionFailsNamingTheProperty() {
		String durations = "a duration such as 10s, 500ms or 5m";
		assertFails(() -> new ReactorProperties("r", null, D, 1, null, D),
				"asyncore.reactor.shutdown-grace: must be set to " + durations + ", was empty");
		assertFails(() -> new ReactorProperties("r", D, null, 1, null, D),
				"asyncore.reactor.stall-timeout: must be set to " + durations + ", was empty");
		assertFails(() -> new ReactorProperties("r", D, D, 1, null, null),
				"asyncore.reactor.over-budget-timeout: must be set to " + durations + ", was empty");
	}

	@Test
	void whenListenerTypeOrHostIsBlankThenBindingFailsNamingTheProperty() {
		assertBindingFails(Map.of(L + "name", "x", L + "type", ""), L + "type: must not be blank, was ''");
		assertBindingFails(Map.of(L + "name", "x", L + "host", " "), L + "host: must not be blank, was ' '");
	}

	@Test
	void whenListenerPortIsOutOfRangeThenBindingFailsSayingTheRange() {
		assertBindingFails(Map.of(L + "name", "x", L + "port", "65536"),
				L + "port: must be between 0 and 65535, was 65536");
		assertBindingFails(Map.of(L + "name", "x", L + "port", "-1"), L + "port: must be between 0 and 65535, was -1");
	}

	@Test
	void whenBacklogOrMaxConnectionsIsNegativeThenBindingFailsNamingTheProperty() {
		assertBindingFails(Map.of(L + "name", "x", L + "backlog", "-1"),
				L + "backlog: must be greater than or equal to 0, was -1");
		assertBindingFails(Map.of(L + "name", "x", L + "max-connections", "-5"),
				L + "max-connections: must be greater than or equal to 0, was -5");
	}

	@Test
	void whenAListenerValueIsMissingThenConstructionFailsNamingTheProperty() {
		assertFails(() -> listeners(new ListenerProperties("x", "echo", null, "h", 0, 1, 1, D, S, null, null, null)),
				L + "protocol: must be set to tcp, udp or unix, was empty");
		assertFails(() -> listeners(new ListenerProperties("x", "echo", Protocol.TCP, "h", 0, 1, 1, null, S, null, null, null)),
				L + "idle-timeout: must be set to a duration such as 10s, 500ms or 5m, was empty");
		assertFails(() -> listeners(new ListenerProperties("x", "echo", Protocol.TCP, "h", 0, 1, 1, D, null,
				new TlsProperties(false, null), null, null)),
				L + "write-high-water-mark: must be set to a size such as 64KB or 1MB, was empty");
	}

	@Test
	void whenAFetchValueIsMissingThenConstructionFailsNamingTheProperty() {
		String durations = "must be set to a duration such as 10s, 500ms or 5m, was empty";
		String sizes = "must be set to a size such as 64KB or 1MB, was empty";
		assertFails(() -> new FetchProperties(false, List.of(), null, D, D, S, 5, 1, S, S, 1, null),
				"asyncore.fetch.connect-timeout: " + durations);
		assertFails(() -> new FetchProperties(false, List.of(), D, null, D, S, 5, 1, S, S, 1, null),
				"asyncore.fetch.read-timeout: " + durations);
		assertFails(() -> new FetchProperties(false, List.of(), D, D, null, S, 5, 1, S, S, 1, null),
				"asyncore.fetch.total-timeout: " + durations);
		assertFails(() -> new FetchProperties(false, List.of(), D, D, D, null, 5, 1, S, S, 1, null),
				"asyncore.fetch.max-body-size: " + sizes);
		assertFails(() -> new FetchProperties(false, List.of(), D, D, D, S, 5, 1, null, S, 1, null),
				"asyncore.fetch.max-inline-body: " + sizes);
		assertFails(() -> new FetchProperties(false, List.of(), D, D, D, S, 5, 1, S, null, 1, null),
				"asyncore.fetch.max-request-size: " + sizes);
	}

	@Test
	void whenAProbeDurationIsMissingThenConstructionFailsNamingTheProperty() {
		String durations = "must be set to a duration such as 10s, 500ms or 5m, was empty";
		assertFails(() -> probes(new ProbeProperties("p", "http://a/", null, D, List.of())),
				"asyncore.probes[0].interval: " + durations);
		assertFails(() -> probes(new ProbeProperties("p", "http://a/", D, null, List.of())),
				"asyncore.probes[0].timeout: " + durations);
	}

	@Test
	void whenEverythingIsDefaultThenBindingSucceeds() {
		AsyncoreProperties properties = bind(Map.of(L + "name", "x"));

		assertThat(properties.reactor().threadName()).isEqualTo("asyncore-reactor");
		assertThat(properties.listeners()).singleElement().satisfies((listener) -> {
			assertThat(listener.port()).isZero();
			assertThat(listener.backlog()).isEqualTo(1024);
			assertThat(listener.host()).isEqualTo("127.0.0.1");
		});
	}

	private static AsyncoreProperties listeners(ListenerProperties listener) {
		return new AsyncoreProperties(defaultReactor(), List.of(listener), null, List.of());
	}

	private static AsyncoreProperties probes(ProbeProperties probe) {
		return new AsyncoreProperties(defaultReactor(), List.of(), null, List.of(probe));
	}

	private static ReactorProperties defaultReactor() {
		return bind(Map.of()).reactor();
	}

}
