package dev.asyncore.probe.config;

import java.util.Map;
import java.util.Set;

/**
 * blackbox_exporter's probers that the table given to {@link ModuleFile} may lack, with the keys
 * of each one's section (from its {@code config.go}). A module of one of them loads, its section
 * checked for unknown keys, and each of its probes fails saying the prober is not implemented; once
 * the table has an entry of that name (a prober package implements it), the entry is used and this
 * list is not consulted for it. Immutable.
 */
final class OtherProbers {

	/** Prober name to the keys its section may have. */
	static final Map<String, Set<String>> KEYS = Map.of(
			"icmp", Set.of("preferred_ip_protocol", "ip_protocol_fallback", "source_ip_address", "payload_size",
					"dont_fragment", "ttl"),
			"unix", Set.of("query_response", "tls", "tls_config"),
			"websocket", Set.of("http_config", "headers", "query_response", "preferred_ip_protocol",
					"ip_protocol_fallback"));

	private OtherProbers() {
	}

	/** The kind of a prober of {@link #KEYS} that is not implemented: its section is checked, its options are the section's keys. */
	static ProberKind<Object> kind(String name) {
		return ProberKind.of(name, (section, files) -> {
			for (String key : section.keys()) {
				if (!KEYS.get(name).contains(key)) {
					throw new ModuleConfigException(section.key(key), "unknown key");
				}
				Object ignored = section.raw(key);
			}
			section.finish();
			return Set.copyOf(section.keys());
		});
	}

	/** Why a module of prober {@code name} cannot be probed. */
	static String reason(String name) {
		return "prober " + name + " is a blackbox_exporter prober this service does not implement yet";
	}

}
