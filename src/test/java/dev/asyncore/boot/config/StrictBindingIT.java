package dev.asyncore.boot.config;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/** Every key under {@code asyncore.} is known or startup fails naming it and the closest known key. */
@Timeout(60)
class StrictBindingIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s");

	private static final String[] ONE_LISTENER = { "asyncore.listeners[0].name=echo",
			"asyncore.listeners[0].port=0" };

	@Test
	void whenListenerKeyIsMisspeltThenStartupFailsNamingItAndTheClosestKey() {
		this.runner.withPropertyValues(ONE_LISTENER)
			.withPropertyValues("asyncore.listeners[0].max-conections=5")
			.run((context) -> {
				assertFailure(context,
						"asyncore.listeners[0].max-conections: unknown property; did you mean max-connections?");
				String action = action(context);
				assertThat(action).contains("asyncore.listeners[0].max-connections").doesNotContain("Free the port");
			});
		this.runner.withPropertyValues(ONE_LISTENER)
			.withPropertyValues("asyncore.listeners[0].idle-timout=1s")
			.run((context) -> assertFailure(context, "asyncore.listeners[0].idle-timout: unknown property; did you mean idle-timeout?"));
	}

	@Test
	void whenTopLevelGroupIsMisspeltThenStartupFailsInsteadOfBindingTheDefaultListener() {
		this.runner.withPropertyValues("asyncore.listners[0].name=mine", "asyncore.listners[0].port=17008")
			.run((context) -> assertFailure(context, "asyncore.listners: unknown property; did you mean listeners?"));
		this.runner.withPropertyValues("asyncore.reactr.threads=2")
			.run((context) -> assertFailure(context, "asyncore.reactr: unknown property; did you mean reactor?"));
	}

	@Test
	void whenSeveralKeysShareAMisspeltGroupThenTheMessageNamesItOnce() {
		this.runner
			.withPropertyValues("asyncore.listners[0].name=mine", "asyncore.listners[0].type=echo",
					"asyncore.listners[0].port=17008", "asyncore.reactr.threads=2")
			.run((context) -> {
				assertFailure(context, "asyncore.listners: unknown property; did you mean listeners?");
				String message = new InvalidConfigurationFailureAnalyzer().analyze(context.getStartupFailure())
					.getDescription();
				assertThat(message.split("asyncore\\.listners", -1)).as(message).hasSize(2);
				assertThat(message).contains("(also unknown: asyncore.reactr)");
			});
	}

	@Test
	void whenNestedOrFetchKeyIsUnknownThenTheMessageNamesThatLevel() {
		this.runner.withPropertyValues("asyncore.fetch.max-concurent=3")
			.run((context) -> assertFailure(context, "asyncore.fetch.max-concurent: unknown property; did you mean max-concurrent?"));
		this.runner.withPropertyValues(ONE_LISTENER)
			.withPropertyValues("asyncore.listeners[0].tls.enable=true")
			.run((context) -> assertFailure(context, "asyncore.listeners[0].tls.enable: unknown property; did you mean enabled?"));
		this.runner.withPropertyValues("asyncore.fetch.wibble=1")
			.run((context) -> assertFailure(context,
					"asyncore.fetch.wibble: unknown property; keys known under asyncore.fetch: allow-private-networks,"));
	}

	@Test
	void whenAValueIsGivenKeysThenStartupFailsSayingItIsASingleValue() {
		this.runner.withPropertyValues("asyncore.reactor.threads.count=2")
			.run((context) -> assertFailure(context, "asyncore.reactor.threads.count: unknown property; "
					+ "asyncore.reactor.threads is a single value"));
	}

	@Test
	void whenAHigherSourceReplacesTheListThenTheLowerSourcesItemsAreNotUnknown() {
		Map<String, Object> file = Map.of("asyncore.listeners[0].name", "echo", "asyncore.listeners[0].port", "0",
				"asyncore.listeners[1].name", "discard", "asyncore.listeners[1].type", "discard",
				"asyncore.listeners[1].port", "0");
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addLast(new MapPropertySource("file", file)))
			.withPropertyValues("asyncore.listeners[0].name=only", "asyncore.listeners[0].port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ReactorLifecycle.class).listeners()).hasSize(1);
				assertThat(context.getBean(ReactorLifecycle.class).listener("only").port()).isPositive();
			});
	}

	@Test
	void whenTypeIsUnknownThenTheActionIsAboutTypesNotPorts() {
		this.runner.withPropertyValues(ONE_LISTENER)
			.withPropertyValues("asyncore.listeners[0].type=eco")
			.run((context) -> {
				assertFailure(context, "asyncore.listeners[0].type: unknown listener type 'eco'");
				assertThat(action(context)).contains("DispatcherFactory").doesNotContain("Free the port");
			});
	}

	@Test
	void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
		assertThat(KnownProperties.distance("max-conections", "max-connections")).isEqualTo(1);
		assertThat(KnownProperties.distance("reactr", "reactor")).isEqualTo(1);
		assertThat(KnownProperties.distance("abc", "xbz")).isEqualTo(2);
		assertThat(KnownProperties.distance("", "abc")).isEqualTo(3);
		assertThat(KnownProperties.dashed("writeHighWaterMark")).isEqualTo("write-high-water-mark");
	}

	private static void assertFailure(AssertableApplicationContext context, String message) {
		assertThat(context).hasFailed();
		assertThat(Failures.messages(context.getStartupFailure())).contains(message);
	}

	private static String action(AssertableApplicationContext context) {
		FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis.getAction();
	}

}
