package dev.asyncore.boot.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;

/**
 * Rules over {@code asyncore.probes}, checked while {@link AsyncoreProperties} is bound: unique
 * names, parseable http(s) URLs without credentials, positive durations, status codes in 100..599.
 */
final class ProbeRules {

	/** {@code scheme://user:password@}: refused without echoing the URL, which would show the password. */
	private static final Pattern CREDENTIALS = Pattern.compile("(?s)\\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@.*");

	private ProbeRules() {
	}

	static void check(List<ProbeProperties> probes) {
		Map<String, Integer> names = new HashMap<>();
		for (int i = 0; i < probes.size(); i++) {
			ProbeProperties probe = probes.get(i);
			String path = "asyncore.probes[" + i + "]";
			if (probe.name() == null || probe.name().isBlank()) {
				throw ListenerRules.missingInListItem(path, "name", path + ".url=" + probe.url());
			}
			if (probe.url() == null || probe.url().isBlank()) {
				throw ListenerRules.missingInListItem(path, "url", path + ".name=" + probe.name());
			}
			Integer previous = names.putIfAbsent(probe.name(), i);
			if (previous != null) {
				throw new InvalidConfigurationException(path + ".name",
						"'" + probe.name() + "' is already the name of asyncore.probes[" + previous + "]");
			}
			checkUrl(path + ".url", probe.url());
			Required.present(path + ".interval", probe.interval(), Required.DURATION);
			Required.present(path + ".timeout", probe.timeout(), Required.DURATION);
			FetchProperties.requirePositive(path + ".interval", probe.interval());
			FetchProperties.requirePositive(path + ".timeout", probe.timeout());
			for (int status : probe.expectedStatus()) {
				if (status < 100 || status > 599) {
					throw new InvalidConfigurationException(path + ".expected-status",
							"status codes are 100..599, was " + status);
				}
			}
		}
	}

	private static void checkUrl(String property, String url) {
		if (CREDENTIALS.matcher(url).matches()) {
			throw new InvalidConfigurationException(property,
					"has credentials (user:password@), which probes never send; remove them from the URL");
		}
		try {
			String scheme = FetchPolicy.parseUrl(url).getScheme();
			if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
				throw new InvalidConfigurationException(property, "must be an http or https URL, was '" + url + "'");
			}
		}
		catch (FetchException.InvalidUrl ex) {
			throw new InvalidConfigurationException(property, ex.getMessage());
		}
	}

}
