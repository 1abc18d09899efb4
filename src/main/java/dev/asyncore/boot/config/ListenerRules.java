package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;

/**
 * Rules that span fields or listeners, checked while {@link AsyncoreProperties} is bound. Each
 * failure is an {@link InvalidConfigurationException} that names the offending property.
 */
final class ListenerRules {

	private ListenerRules() {
	}

	static void check(List<ListenerProperties> listeners) {
		Map<String, Integer> names = new HashMap<>();
		Map<String, Integer> ports = new HashMap<>();
		for (int i = 0; i < listeners.size(); i++) {
			ListenerProperties listener = listeners.get(i);
			String path = "asyncore.listeners[" + i + "]";
			if (listener.name() == null || listener.name().isBlank()) {
				throw missingInListItem(path, "name", "asyncore.listeners[" + i + "].port=" + listener.port());
			}
			checkFields(path, listener);
			Integer previousName = names.putIfAbsent(listener.name(), i);
			if (previousName != null) {
				throw new InvalidConfigurationException(path + ".name",
						"'" + listener.name() + "' is already the name of asyncore.listeners[" + previousName + "]");
			}
			// Port 0 is ephemeral: many listeners may ask for it. TCP and UDP ports are separate spaces.
			if (listener.port() != 0) {
				String key = listener.protocol() + ":" + listener.port();
				Integer previous = ports.putIfAbsent(key, i);
				if (previous != null) {
					throw new InvalidConfigurationException(path + ".port", listener.protocol().name().toLowerCase()
							+ " port " + listener.port() + " is already used by asyncore.listeners[" + previous + "]");
				}
			}
			if (listener.protocol() == AsyncoreProperties.Protocol.UNIX
					&& (listener.path() == null || listener.path().isBlank())) {
				throw new InvalidConfigurationException(path + ".path", "is required when " + path + ".protocol is unix");
			}
			requireNotNegative(path + ".idle-timeout", listener.idleTimeout());
			if (listener.writeHighWaterMark().toBytes() <= 0) {
				throw new InvalidConfigurationException(path + ".write-high-water-mark",
						"must be positive, was " + listener.writeHighWaterMark());
			}
			if (listener.sendBufferSize() != null && (listener.sendBufferSize().toBytes() <= 0
					|| listener.sendBufferSize().toBytes() > Integer.MAX_VALUE / 2)) {
				throw new InvalidConfigurationException(path + ".send-buffer-size",
						"must be between 1B and 1GB, was " + listener.sendBufferSize());
			}
			if (listener.tls() != null && listener.tls().enabled()
					&& (listener.tls().bundle() == null || listener.tls().bundle().isBlank())) {
				throw new InvalidConfigurationException(path + ".tls.bundle", "is required when " + path
						+ ".tls.enabled is true: name a Spring Boot SSL bundle (spring.ssl.bundle.pem.NAME or "
						+ "spring.ssl.bundle.jks.NAME) holding the server's key and certificate",
						"Define the bundle and set " + path + ".tls.bundle to its name; "
								+ KnownProperties.TLS_MIGRATION);
			}
		}
	}

	/** One listener's own fields: present, not blank, within bounds. */
	private static void checkFields(String path, ListenerProperties listener) {
		Required.text(path + ".type", listener.type());
		Required.present(path + ".protocol", listener.protocol(), "tcp, udp or unix");
		Required.text(path + ".host", listener.host());
		Required.between(path + ".port", listener.port(), 0, 65535);
		Required.atLeast(path + ".backlog", listener.backlog(), 0);
		Required.atLeast(path + ".max-connections", listener.maxConnections(), 0);
		Required.present(path + ".idle-timeout", listener.idleTimeout(), Required.DURATION);
		Required.present(path + ".write-high-water-mark", listener.writeHighWaterMark(), Required.SIZE);
	}

	/**
	 * A required key missing from a list item. The usual cause is an override of one item's key from
	 * another source (command line, environment): Spring Boot replaces lists whole, so the item no
	 * longer has the keys the file gave it.
	 */
	static InvalidConfigurationException missingInListItem(String path, String key, String example) {
		String list = path.substring(0, path.lastIndexOf('['));
		return new InvalidConfigurationException(path + "." + key, "is required. Lists are replaced whole, never merged: "
				+ "a source (command line, environment, another file) that sets any " + list
				+ "[N] key replaces the entire list, so this item has only the keys that source gave it",
				"Give every item of " + list + " all its keys in the same source, e.g. --" + path + "." + key
						+ "=... --" + example + ", or change the value in application.yml instead.");
	}

	static void requireNotNegative(String property, Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidConfigurationException(property, "must not be negative, was " + value);
		}
	}

}
