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
			if (listener.name() != null) {
				Integer previous = names.putIfAbsent(listener.name(), i);
				if (previous != null) {
					throw new InvalidConfigurationException(path + ".name",
							"'" + listener.name() + "' is already the name of asyncore.listeners[" + previous + "]");
				}
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
			if (listener.writeHighWaterMark() != null && listener.writeHighWaterMark().toBytes() <= 0) {
				throw new InvalidConfigurationException(path + ".write-high-water-mark",
						"must be positive, was " + listener.writeHighWaterMark());
			}
			if (listener.tls() != null && listener.tls().enabled()) {
				if (listener.tls().keyStore() == null || listener.tls().keyStore().isBlank()) {
					throw new InvalidConfigurationException(path + ".tls.key-store",
							"is required when " + path + ".tls.enabled is true");
				}
			}
		}
	}

	static void requireNotNegative(String property, Duration value) {
		if (value != null && value.isNegative()) {
			throw new InvalidConfigurationException(property, "must not be negative, was " + value);
		}
	}

}
