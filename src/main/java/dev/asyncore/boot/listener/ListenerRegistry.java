package dev.asyncore.boot.listener;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.core.ListenerStats;

/**
 * The configured listeners, each resolved to its {@link DispatcherFactory} when the context starts:
 * an unknown type, a protocol the type does not support or TLS that cannot be provided fails
 * startup here, naming the property. Immutable; any thread.
 */
public class ListenerRegistry {

	private final Map<String, DispatcherFactory> types;

	private final List<ConfiguredListener> listeners;

	/**
	 * @param tlsFactory the TLS layer, or {@code null} when none is available
	 */
	public ListenerRegistry(AsyncoreProperties properties, List<DispatcherFactory> factories,
			TlsTransportFactory tlsFactory) {
		this.types = byType(factories);
		List<ConfiguredListener> resolved = new ArrayList<>();
		for (int i = 0; i < properties.listeners().size(); i++) {
			resolved.add(resolve(i, properties.listeners().get(i), tlsFactory));
		}
		this.listeners = List.copyOf(resolved);
	}

	private static Map<String, DispatcherFactory> byType(List<DispatcherFactory> factories) {
		Map<String, DispatcherFactory> types = new TreeMap<>();
		for (DispatcherFactory factory : factories) {
			DispatcherFactory previous = types.putIfAbsent(factory.type(), factory);
			if (previous != null) {
				throw new IllegalStateException("Listener type '" + factory.type() + "' is provided by both "
						+ previous + " and " + factory);
			}
		}
		return types;
	}

	private ConfiguredListener resolve(int index, ListenerProperties p, TlsTransportFactory tlsFactory) {
		String path = "asyncore.listeners[" + index + "]";
		DispatcherFactory factory = this.types.get(p.type());
		if (factory == null) {
			throw new InvalidConfigurationException(path + ".type",
					"unknown listener type '" + p.type() + "'; known types: " + String.join(", ", this.types.keySet()),
					"Set " + path + ".type to one of " + String.join(", ", this.types.keySet())
							+ ", or define a DispatcherFactory bean whose type() is '" + p.type() + "'.");
		}
		String protocol = p.protocol().name().toLowerCase();
		if (!factory.supports(p.protocol())) {
			throw new InvalidConfigurationException(path + ".protocol",
					"listener type '" + p.type() + "' does not support " + protocol);
		}
		TlsTransportFactory.Wrapper tls = null;
		if (p.tls().enabled()) {
			if (p.protocol() != AsyncoreProperties.Protocol.TCP) {
				throw new InvalidConfigurationException(path + ".tls.enabled", "TLS is available on tcp listeners only");
			}
			if (tlsFactory == null) {
				// Never fall back to plain text where TLS was asked for.
				throw new InvalidConfigurationException(path + ".tls.enabled",
						"no TlsTransportFactory is configured for TLS listeners; "
								+ "remove the tls block or set enabled: false");
			}
			try {
				tls = tlsFactory.forListener(p.name(), p.tls());
			}
			catch (IOException ex) {
				throw new InvalidConfigurationException(path + ".tls.bundle",
						"cannot use SSL bundle '" + p.tls().bundle() + "': " + ex.getMessage(),
						"Define spring.ssl.bundle.pem." + p.tls().bundle() + ".* or spring.ssl.bundle.jks."
								+ p.tls().bundle() + ".* with the server's key and certificate, or set "
								+ path + ".tls.bundle to a bundle that exists.");
			}
		}
		return new ConfiguredListener(index, p, factory, new ListenerStats(p.name()), tls);
	}

	/** The listeners in configuration order. */
	public List<ConfiguredListener> listeners() {
		return this.listeners;
	}

	/** The registered type names, sorted. */
	public List<String> types() {
		return List.copyOf(this.types.keySet());
	}

}
