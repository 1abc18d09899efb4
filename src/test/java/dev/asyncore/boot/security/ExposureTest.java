package dev.asyncore.boot.security;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup check of {@link Exposure} on the real configuration files: the container's
 * ({@code config/application.yml} over the jar's defaults) and the jar's alone.
 */
class ExposureTest {

	private static final String CONTAINER = "spring.config.location=classpath:/application.yml,file:config/application.yml";

	private static final String BUILT_IN = "spring.config.location=classpath:/application.yml";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withUserConfiguration(ExposureConfiguration.class);

	@Test
	void whenTheContainerConfigurationHasNoCredentialsThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(CONTAINER).run((context) -> {
			assertThat(context).hasFailed();
			InvalidConfigurationException failure = cause(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("asyncore.security.tokens");
			assertThat(failure.getMessage()).contains("0.0.0.0 (server.address)")
				.contains("ASYNCORE_SECURITY_TOKEN_HASH")
				.contains("hash-token")
				.contains("asyncore.security.allow-anonymous: true");
		});
	}

	@Test
	void whenTheContainerFileIsReadFromTheRepositoryRootThenTheFirstFailureNamesEveryBindingAndTheWholeFix() {
		this.runner.withPropertyValues(CONTAINER).run((context) -> {
			String message = cause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("0.0.0.0 (server.address), 0.0.0.0 (management.server.address), "
					+ "0.0.0.0 (asyncore.listeners[0].host)")
				.contains("config/application.yml, the container's configuration")
				.contains("HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1 ASYNCORE_BIND_HOST=127.0.0.1")
				.doesNotContain("bind server.address to 127.0.0.1");
		});
		// ... and that fix is the whole of it: no second failure blaming another address
		this.runner
			.withPropertyValues(CONTAINER, "HTTP_ADDRESS=127.0.0.1", "MANAGEMENT_ADDRESS=127.0.0.1",
					"ASYNCORE_BIND_HOST=127.0.0.1")
			.run((context) -> assertThat(context.getBean(Exposure.class)).isEqualTo(new Exposure(true, null)));
	}

	@Test
	void whenOnlyTheBuiltInsServerAddressIsOpenThenTheFixNamesThatProperty() {
		this.runner.withPropertyValues(BUILT_IN, "server.address=0.0.0.0")
			.run((context) -> assertThat(cause(context.getStartupFailure()).getMessage())
				.contains("bind server.address to 127.0.0.1")
				.doesNotContain("HTTP_ADDRESS"));
	}

	@Test
	void whenTheContainerConfigurationAllowsAnonymousThenItStartsOpen() {
		this.runner.withPropertyValues(CONTAINER, "ASYNCORE_SECURITY_ALLOW_ANONYMOUS=true")
			.run((context) -> assertThat(context.getBean(Exposure.class)).isEqualTo(new Exposure(true, "0.0.0.0 (server.address)")));
	}

	@Test
	void whenTheContainerConfigurationHasATokenHashThenItStartsClosed() {
		this.runner.withPropertyValues(CONTAINER, "ASYNCORE_SECURITY_TOKEN_HASH=" + Caller.tokenHash("t"))
			.run((context) -> {
				assertThat(context.getBean(Exposure.class).anonymousAllowed()).isFalse();
				assertThat(context.getBean(ApiSecurityProperties.class).tokens()).singleElement()
					.satisfies((token) -> assertThat(token.name()).isEqualTo("api"));
			});
	}

	@Test
	void whenTheBuiltInDefaultsAreUsedThenAnonymousCallersAreAllowedOnLoopback() {
		this.runner.withPropertyValues(BUILT_IN)
			.run((context) -> assertThat(context.getBean(Exposure.class)).isEqualTo(new Exposure(true, null)));
	}

	@Test
	void whenTheBuiltInDefaultsAreBoundToEveryInterfaceWithoutCredentialsThenStartupFails() {
		this.runner.withPropertyValues(BUILT_IN, "server.address=0.0.0.0")
			.run((context) -> assertThat(cause(context.getStartupFailure()).property()).isEqualTo("asyncore.security.tokens"));
	}

	@Test
	void whenActuatorHasItsOwnPortOnEveryInterfaceWithoutCredentialsThenStartupFailsNamingIt() {
		this.runner.withPropertyValues(BUILT_IN, "management.server.port=9090").run((context) -> {
			assertThat(cause(context.getStartupFailure()).getMessage())
				.contains("every interface (management.server.address not set)");
		});
	}

	@Test
	void whenATokenIsWrittenInPlaintextThenStartupFailsNamingItsHashProperty() {
		this.runner.withPropertyValues(BUILT_IN, "asyncore.security.tokens[0].name=ci",
				"asyncore.security.tokens[0].hash=my-secret-token")
			.run((context) -> {
				InvalidConfigurationException failure = cause(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("asyncore.security.tokens[0].hash");
				assertThat(failure.getMessage()).contains("never the token itself").contains("hash-token")
					.doesNotContain("my-secret-token");
			});
	}

	@Test
	void whenAPasswordIsWrittenInPlaintextThenStartupFailsNamingItsHashProperty() {
		this.runner.withPropertyValues(BUILT_IN, "asyncore.security.users[0].name=admin",
				"asyncore.security.users[0].password-hash=hunter2")
			.run((context) -> {
				InvalidConfigurationException failure = cause(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("asyncore.security.users[0].password-hash");
				assertThat(failure.getMessage()).contains("bcrypt").contains("hash-password").doesNotContain("hunter2");
			});
	}

	@Test
	void whenNoWebServerRunsThenTheTomcatAddressesAreNotCheckedButTheBlackboxListenerIs() {
		this.runner.withPropertyValues(BUILT_IN, "spring.main.web-application-type=none", "server.address=0.0.0.0",
				"management.server.port=9090")
			.run((context) -> assertThat(context.getBean(Exposure.class)).isEqualTo(new Exposure(true, null)));
		this.runner
			.withPropertyValues(BUILT_IN, "spring.main.web-application-type=none", "asyncore.listeners[1].host=0.0.0.0")
			.run((context) -> {
				InvalidConfigurationException failure = cause(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("asyncore.security.tokens");
				assertThat(failure.getMessage()).contains("0.0.0.0 (asyncore.listeners[1].host), not loopback")
					.contains("so /probe would be open")
					.contains("bind asyncore.listeners[1].host to 127.0.0.1")
					.doesNotContain("server.address");
			});
	}

	@Test
	void whenTheContainerConfigurationRunsWithoutAWebServerThenTheFixNamesOnlyTheListenersHost() {
		this.runner.withPropertyValues(CONTAINER, "spring.main.web-application-type=none").run((context) -> {
			String message = cause(context.getStartupFailure()).getMessage();
			assertThat(message).contains("HTTP listens on 0.0.0.0 (asyncore.listeners[0].host), not loopback")
				.contains("set ASYNCORE_BIND_HOST=127.0.0.1 in the environment")
				.doesNotContain("server.address")
				.doesNotContain("HTTP_ADDRESS");
		});
		this.runner.withPropertyValues(CONTAINER, "spring.main.web-application-type=none", "ASYNCORE_BIND_HOST=127.0.0.1")
			.run((context) -> assertThat(context.getBean(Exposure.class)).isEqualTo(new Exposure(true, null)));
	}

	private static InvalidConfigurationException cause(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof InvalidConfigurationException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidConfigurationException in " + failure, failure);
	}

}
