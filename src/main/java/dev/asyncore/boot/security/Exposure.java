package dev.asyncore.boot.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.InvalidConfigurationException;

/**
 * Whether callers without credentials may use the guarded paths ({@code /fetch}, {@code /probe},
 * the diagnostic endpoints), decided once at startup from where HTTP listens: yes when
 * {@code asyncore.security.allow-anonymous} says so, or when no credential is configured and every
 * HTTP port ({@code server.address}, {@code management.server.address} if Actuator has its own
 * port, and the host of every {@code blackbox} listener, which serves {@code /probe}) is bound to loopback, as the jar's defaults are; no when credentials are configured. With
 * {@code spring.main.web-application-type=none} (a blackbox_exporter slot: no Tomcat) only the
 * blackbox listeners count: the two Tomcat addresses bind nothing then. A
 * service reachable from the network with no credential and no explicit
 * {@code allow-anonymous} fails startup: it would be an open fetch relay.
 *
 * @param anonymousAllowed whether callers without credentials get every scope
 * @param reachable the first non-loopback address HTTP is bound to, or {@code null} when loopback only
 */
record Exposure(boolean anonymousAllowed, String reachable) {

	private static final String CONTAINER_FILE = " (the work directory's config/application.yml, the container's "
			+ "configuration, binds every interface through placeholders)";

	/**
	 * @throws InvalidConfigurationException naming {@code asyncore.security.tokens} when the service
	 * would be open to the network
	 */
	static Exposure of(ApiSecurityProperties properties, Environment environment) {
		List<Binding> reachable = reachable(environment);
		String first = reachable.isEmpty() ? null : reachable.get(0).toString();
		if (properties.allowAnonymous()) {
			return new Exposure(true, first);
		}
		if (properties.hasCredentials()) {
			return new Exposure(false, first);
		}
		if (first != null) {
			String bindings = String.join(", ", reachable.stream().map(Binding::toString).toList());
			throw new InvalidConfigurationException(ApiSecurityProperties.PREFIX + "tokens",
					"HTTP listens on " + bindings + ", not loopback, and no credentials are configured, so "
							+ (servesTomcat(environment) ? "/fetch, /probe and the reactor and probes endpoints" : "/probe")
							+ " would be open to anyone who can reach them"
							+ (readsContainerFile(environment) ? CONTAINER_FILE : "")
							+ ". Configure a bearer token hash (asyncore.security.tokens[0].hash, or the environment "
							+ "variable ASYNCORE_SECURITY_TOKEN_HASH in the container; "
							+ ApiSecurityProperties.HOW_TO_HASH_TOKEN + ") or asyncore.security.users; or, to run it on "
							+ "this machine without one, " + loopbackFix(reachable, environment)
							+ "; or set asyncore.security.allow-anonymous: true to run it open on purpose");
		}
		return new Exposure(true, null);
	}

	/**
	 * Every binding at once: naming one at a time costs a failed start per binding. The container's
	 * file, read from ./config/ of the work directory (the repository root too), binds each through
	 * a placeholder: name those.
	 */
	private static String loopbackFix(List<Binding> reachable, Environment environment) {
		if (readsContainerFile(environment) && !servesTomcat(environment)) {
			return "set ASYNCORE_BIND_HOST=127.0.0.1 in the environment, or start from another directory to get the "
					+ "jar's loopback defaults";
		}
		if (readsContainerFile(environment)) {
			return "set HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1 ASYNCORE_BIND_HOST=127.0.0.1 (all "
					+ "three) in the environment, or start from another directory to get the jar's loopback defaults";
		}
		return "bind " + String.join(", ", reachable.stream().map(Binding::property).toList()) + " to 127.0.0.1";
	}

	private static boolean readsContainerFile(Environment environment) {
		return environment instanceof ConfigurableEnvironment configurable && configurable.getPropertySources()
			.stream()
			.anyMatch((source) -> source.getName().contains("config/application.yml"));
	}

	/** Every HTTP binding that is not loopback; empty when loopback only. */
	private static List<Binding> reachable(Environment environment) {
		List<Binding> reachable = new ArrayList<>();
		if (servesTomcat(environment)) {
			String server = environment.getProperty("server.address");
			if (!isLoopback(server)) {
				reachable.add(new Binding("server.address", server));
			}
			String managementPort = environment.getProperty("management.server.port");
			boolean ownPort = managementPort != null && !managementPort.isBlank()
					&& !"-1".equals(managementPort.strip())
					&& !managementPort.strip().equals(environment.getProperty("server.port", "8080").strip());
			String management = environment.getProperty("management.server.address");
			if (ownPort && !isLoopback(management)) {
				reachable.add(new Binding("management.server.address", management));
			}
		}
		// A blackbox listener serves /probe from the reactor: the same relay, on another port.
		for (int i = 0; environment.containsProperty("asyncore.listeners[" + i + "].name"); i++) {
			String prefix = "asyncore.listeners[" + i + "].";
			if ("blackbox".equals(environment.getProperty(prefix + "type"))) {
				String host = environment.getProperty(prefix + "host", "127.0.0.1");
				if (!isLoopback(host)) {
					reachable.add(new Binding(prefix + "host", host));
				}
			}
		}
		return reachable;
	}

	/**
	 * Whether Tomcat runs: unless {@code spring.main.web-application-type} is {@code none}. Any other
	 * value (or none given) counts as yes, so that a check is never skipped by mistake.
	 */
	private static boolean servesTomcat(Environment environment) {
		return !"none".equalsIgnoreCase(environment.getProperty("spring.main.web-application-type", "servlet").strip());
	}

	/** A property that binds HTTP to {@code address} ({@code null} or blank: every interface). */
	private record Binding(String property, String address) {

		@Override
		public String toString() {
			return (this.address == null || this.address.isBlank()) ? "every interface (" + this.property + " not set)"
					: this.address + " (" + this.property + ")";
		}

	}

	private static boolean isLoopback(String address) {
		if (address == null || address.isBlank()) {
			return false;
		}
		try {
			return InetAddress.getByName(address.strip()).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			throw new InvalidConfigurationException("server.address", "cannot be resolved: " + address);
		}
	}

}
