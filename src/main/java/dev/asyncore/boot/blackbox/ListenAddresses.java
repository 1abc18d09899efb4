package dev.asyncore.boot.blackbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.asyncore.boot.config.InvalidConfigurationException;

/**
 * {@code asyncore.blackbox.listen-address} (blackbox_exporter's {@code --web.listen-address}) applied
 * to the listeners once the configuration files are read: the first address replaces the host and
 * port of the first {@code blackbox} listener (one is added if there is none), each further address
 * adds a {@code blackbox} listener. Spring binds a list from the one property source that has it, so
 * the whole list is copied into a source ahead of the others with those changes.
 *
 * <p>As blackbox_exporter without {@code --web.config.file}, a listener given this way answers
 * without credentials when the service has none configured and its other HTTP port is on loopback
 * ({@code asyncore.security.allow-anonymous} is set, with a warning); with credentials, they apply
 * on the blackbox listener as on {@code /probe} everywhere.
 */
public final class ListenAddresses implements EnvironmentPostProcessor, Ordered {

	static final String KEY = "asyncore.blackbox.listen-address";

	private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("asyncore.listeners");

	private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

	private final Log logger;

	public ListenAddresses(DeferredLogFactory logs) {
		this.logger = logs.getLog(ListenAddresses.class);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE; // after the configuration files are read
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		List<String> addresses = binder.bind(KEY, Bindable.listOf(String.class)).orElse(List.of());
		if (addresses.isEmpty()) {
			return;
		}
		Map<String, Object> listeners = listeners(environment);
		int count = 0;
		int blackbox = -1;
		while (listeners.containsKey("asyncore.listeners[" + count + "].name")
				|| listeners.containsKey("asyncore.listeners[" + count + "].type")
				|| listeners.containsKey("asyncore.listeners[" + count + "].port")) {
			if (blackbox < 0 && "blackbox".equals(String.valueOf(listeners.get("asyncore.listeners[" + count + "].type")))) {
				blackbox = count;
			}
			count++;
		}
		for (int i = 0; i < addresses.size(); i++) {
			int index = (i == 0 && blackbox >= 0) ? blackbox : count++;
			String prefix = "asyncore.listeners[" + index + "].";
			if (i > 0 || blackbox < 0) {
				listeners.put(prefix + "name", (i == 0) ? "blackbox" : "blackbox-" + (i + 1));
				listeners.put(prefix + "type", "blackbox");
			}
			String[] hostPort = hostPort(addresses.get(i));
			listeners.put(prefix + "host", hostPort[0]);
			listeners.put(prefix + "port", hostPort[1]);
		}
		Map<String, Object> overrides = new LinkedHashMap<>(listeners);
		if (openAsBlackboxExporterIs(environment, binder, addresses)) {
			overrides.put("asyncore.security.allow-anonymous", "true");
			this.logger.warn("The blackbox listener on " + String.join(", ", addresses) + " answers without "
					+ "credentials, as blackbox_exporter without --web.config.file does; configure "
					+ "asyncore.security.tokens or users to require them (src/docs/security.md)");
		}
		environment.getPropertySources().addFirst(new MapPropertySource("blackbox-listen-address", overrides));
	}

	/** The listeners as the property source that wins has them, by canonical key. */
	private static Map<String, Object> listeners(ConfigurableEnvironment environment) {
		Map<String, Object> listeners = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.filter(LISTENERS::isAncestorOf).forEach((name) -> listeners.put(name.toString(),
					iterable.getConfigurationProperty(name).getValue()));
			if (!listeners.isEmpty()) {
				return listeners; // the first source with the list is the one Spring binds it from
			}
		}
		return listeners;
	}

	/**
	 * Go's {@code host:port}: {@code :9115} is every address (here every IPv4 one), {@code [::1]:9115}
	 * an IPv6 literal.
	 */
	static String[] hostPort(String address) {
		int colon = address.lastIndexOf(':');
		if (colon < 0) {
			throw new InvalidConfigurationException(KEY, "'" + address + "' is not host:port such as :9115 or 127.0.0.1:9115");
		}
		String host = address.substring(0, colon);
		String port = address.substring(colon + 1);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		try {
			int number = Integer.parseInt(port);
			if (number < 0 || number > 65535) {
				throw new NumberFormatException(port);
			}
		}
		catch (NumberFormatException ex) {
			throw new InvalidConfigurationException(KEY, "'" + address + "': the port must be 0 to 65535, was '" + port + "'");
		}
		return new String[] { host.isEmpty() ? "0.0.0.0" : host, port };
	}

	/** Whether an entry of the list at {@code key} has a non-blank {@code hash} (blank ones are left out). */
	private static boolean hasHash(Binder binder, String key, String hash) {
		Bindable<List<Map<String, String>>> list = Bindable.of(ResolvableType.forClassWithGenerics(List.class,
				ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)));
		List<Map<String, String>> entries = binder.bind(key, list).orElse(List.of());
		return entries.stream().anyMatch((entry) -> entry.get(hash) != null && !entry.get(hash).isBlank());
	}

	/**
	 * No credentials and no explicit {@code allow-anonymous}, and the service's own HTTP port on
	 * loopback: the blackbox listener is open, as blackbox_exporter is.
	 */
	private static boolean openAsBlackboxExporterIs(ConfigurableEnvironment environment, Binder binder,
			List<String> addresses) {
		if (environment.getProperty("asyncore.security.allow-anonymous") != null) {
			return false;
		}
		if (hasHash(binder, "asyncore.security.tokens", "hash") || hasHash(binder, "asyncore.security.users", "password-hash")) {
			return false;
		}
		String server = environment.getProperty("server.address");
		String management = environment.getProperty("management.server.address");
		boolean loopback = server != null && LOOPBACK.contains(server.strip())
				&& (environment.getProperty("management.server.port") == null || (management != null
						&& LOOPBACK.contains(management.strip())));
		return loopback && !addresses.stream().allMatch((a) -> LOOPBACK.contains(hostPort(a)[0]));
	}

}
