package dev.asyncore.boot.blackbox;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.asyncore.boot.config.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --web.listen-address applied to the listeners Spring binds, whole list and all. */
class ListenAddressesTest {

	private static StandardEnvironment environment(String addresses, Map<String, Object> more) {
		StandardEnvironment environment = new StandardEnvironment();
		Map<String, Object> file = new LinkedHashMap<>();
		file.put("server.address", "127.0.0.1");
		file.put("asyncore.listeners[0].name", "echo");
		file.put("asyncore.listeners[0].type", "echo");
		file.put("asyncore.listeners[0].port", "7007");
		file.put("asyncore.listeners[1].name", "blackbox");
		file.put("asyncore.listeners[1].type", "blackbox");
		file.put("asyncore.listeners[1].host", "127.0.0.1");
		file.put("asyncore.listeners[1].port", "9115");
		file.putAll(more);
		environment.getPropertySources().addLast(new MapPropertySource("application.yml", file));
		if (addresses != null) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource("commandLineArgs", Map.of("asyncore.blackbox.listen-address", addresses)));
		}
		new ListenAddresses((destination) -> LogFactory.getLog(ListenAddressesTest.class))
			.postProcessEnvironment(environment, null);
		return environment;
	}

	private static String listener(StandardEnvironment environment, int index, String key) {
		return Binder.get(environment).bind("asyncore.listeners[" + index + "]." + key, String.class).orElse(null);
	}

	@Test
	void theFirstAddressMovesTheBlackboxListenerAndTheOthersAreListenersOfTheirOwn() {
		StandardEnvironment environment = environment(":9116,[::1]:9117", Map.of());
		assertThat(listener(environment, 0, "name")).isEqualTo("echo");
		assertThat(listener(environment, 0, "port")).isEqualTo("7007");
		assertThat(listener(environment, 1, "host")).isEqualTo("0.0.0.0");
		assertThat(listener(environment, 1, "port")).isEqualTo("9116");
		assertThat(listener(environment, 2, "name")).isEqualTo("blackbox-2");
		assertThat(listener(environment, 2, "type")).isEqualTo("blackbox");
		assertThat(listener(environment, 2, "host")).isEqualTo("::1");
		assertThat(listener(environment, 2, "port")).isEqualTo("9117");
	}

	@Test
	void aNetworkAddressWithoutCredentialsIsOpenAsBlackboxExporterIsButNotWhenCredentialsOrALoopbackAddressAreGiven() {
		assertThat(environment(":9115", Map.of()).getProperty("asyncore.security.allow-anonymous")).isEqualTo("true");
		assertThat(environment("127.0.0.1:0", Map.of()).getProperty("asyncore.security.allow-anonymous")).isNull();
		assertThat(environment(":9115", Map.of("asyncore.security.tokens[0].name", "api", "asyncore.security.tokens[0].hash",
				"sha256:" + "0".repeat(64))).getProperty("asyncore.security.allow-anonymous")).isNull();
		// a blank hash (an unset environment variable) is no credential, as the security settings read it
		assertThat(environment(":9115", Map.of("asyncore.security.tokens[0].name", "api", "asyncore.security.tokens[0].hash", ""))
			.getProperty("asyncore.security.allow-anonymous")).isEqualTo("true");
		// the service's own HTTP port on the network: the existing refusal stays in charge
		assertThat(environment(":9115", Map.of("server.address", "0.0.0.0")).getProperty("asyncore.security.allow-anonymous"))
			.isNull();
	}

	@Test
	void withoutTheFlagNothingChangesAndABadAddressNamesTheKey() {
		StandardEnvironment environment = environment(null, Map.of());
		assertThat(environment.getPropertySources().contains("blackbox-listen-address")).isFalse();
		assertThatThrownBy(() -> environment("9115", Map.of())).isInstanceOf(InvalidConfigurationException.class)
			.hasMessageContaining("asyncore.blackbox.listen-address");
		assertThatThrownBy(() -> environment(":http", Map.of())).hasMessageContaining("the port must be 0 to 65535");
		assertThat(ListenAddresses.hostPort("[::1]:9115")).containsExactly("::1", "9115");
		assertThat(ListenAddresses.hostPort("localhost:0")).containsExactly("localhost", "0");
	}

	@Test
	void withoutABlackboxListenerOneIsAdded() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("cli", Map.of("asyncore.blackbox.listen-address",
				"127.0.0.1:9115", "asyncore.listeners[0].name", "echo", "asyncore.listeners[0].type", "echo")));
		new ListenAddresses((destination) -> LogFactory.getLog(ListenAddressesTest.class)).postProcessEnvironment(environment, null);
		assertThat(listener(environment, 1, "name")).isEqualTo("blackbox");
		assertThat(listener(environment, 1, "type")).isEqualTo("blackbox");
		assertThat(listener(environment, 1, "port")).isEqualTo("9115");
	}

}
