package dev.asyncore.probe.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.asyncore.http.HttpProxy;
import dev.asyncore.probe.config.ProxyConfig;

/** A module's proxy options as the reactor client's {@link HttpProxy}. */
final class ProbeProxy {

	private ProbeProxy() {
	}

	/**
	 * The proxy of {@code config}, or {@code null} for none; {@code proxy_from_environment} reads
	 * {@code environment} now.
	 * @throws IllegalArgumentException when a proxy variable of the environment is not a URL
	 */
	static HttpProxy of(ProxyConfig config, Map<String, String> environment) {
		if (!config.configured()) {
			return null;
		}
		List<Map.Entry<String, String>> headers = config.connectHeaders()
			.stream()
			.map((header) -> Map.entry(header.getKey(), header.getValue().reveal()))
			.toList();
		return config.fromEnvironment() ? HttpProxy.fromEnvironment(environment, headers, !config.skipResolve())
				: HttpProxy.of(URI.create(config.url().reveal()), config.noProxy(), headers, !config.skipResolve());
	}

	/** Whether the probe leaves the target's look-up to the proxy ({@code skip_resolve_phase_with_proxy}). */
	static boolean skipsResolve(ProxyConfig config) {
		return config.configured() && config.skipResolve();
	}

}
