package dev.asyncore.boot.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.core.env.Environment;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.InvalidConfigurationException;

/**
 * Whether callers without credentials may use the guarded paths ({@code /fetch}, {@code /probe},
 * the diagnostic endpoints), decided once at startup from where HTTP listens: yes when
 * {@code asyncore.security.allow-anonymous} says so, or when no credential is configured and every
 * HTTP port ({@code server.address}, {@code management.server.address} if Actuator has its own
 * port, and the host of every {@code blackbox} listener, which serves {@code /probe}) is bound to loopback, as the jar's defaults are; no when credentials are configured. A
 * service reachable from the network with no credential and no explicit
 * {@code allow-anonymous} fails startup: it would be an open fetch relay.
 *
 * @param anonymousAllowed whether callers without credentials get every scope
 * @param reachable the non-loopback address HTTP is bound to, or {@code null} when loopback only
 */
record Exposure(boolean anonymousAllowed, String reachable) {

	/**
	 * @throws InvalidConfigurationException naming {@code asyncore.security.tokens} when the service
	 * would be open to the network
	 */
	static Exposure of(ApiSecurityProperties properties, Environment environment) {
		String reachable = reachable(environment);
		if (properties.allowAnonymous()) {
			return new Exposure(true, reachable);
		}
		if (properties.hasCredentials()) {
			return new Exposure(false, reachable);
		}
		if (reachable != null) {
			throw new InvalidConfigurationException(ApiSecurityProperties.PREFIX + "tokens",
					"HTTP listens on " + reachable + ", which is not loopback, and no credentials are configured, "
							+ "so /fetch, /probe and the reactor and probes endpoints would be open to anyone who can "
							+ "reach it. Configure a bearer token hash (asyncore.security.tokens[0].hash, or the "
							+ "environment variable ASYNCORE_SECURITY_TOKEN_HASH in the container; "
							+ ApiSecurityProperties.HOW_TO_HASH_TOKEN + ") or asyncore.security.users, bind "
							+ "server.address to 127.0.0.1, or set asyncore.security.allow-anonymous: true to run it "
							+ "open on purpose");
		}
		return new Exposure(true, null);
	}

	/** The first HTTP binding that is not loopback, as {@code property=address}, or {@code null}. */
	private static String reachable(Environment environment) {
		String server = environment.getProperty("server.address");
		if (!isLoopback(server)) {
			return describe("server.address", server);
		}
		String managementPort = environment.getProperty("management.server.port");
		boolean ownPort = managementPort != null && !managementPort.isBlank() && !"-1".equals(managementPort.strip())
				&& !managementPort.strip().equals(environment.getProperty("server.port", "8080").strip());
		String management = environment.getProperty("management.server.address");
		if (ownPort && !isLoopback(management)) {
			return describe("management.server.address", management);
		}
		// A blackbox listener serves /probe from the reactor: the same relay, on another port.
		for (int i = 0; environment.containsProperty("asyncore.listeners[" + i + "].name"); i++) {
			String prefix = "asyncore.listeners[" + i + "].";
			if ("blackbox".equals(environment.getProperty(prefix + "type"))) {
				String host = environment.getProperty(prefix + "host", "127.0.0.1");
				if (!isLoopback(host)) {
					return describe(prefix + "host", host);
				}
			}
		}
		return null;
	}

	private static String describe(String property, String address) {
		return (address == null || address.isBlank()) ? "every interface (" + property + " not set)"
				: address + " (" + property + ")";
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
