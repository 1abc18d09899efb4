package dev.asyncore.boot.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The keys {@link AsyncoreProperties} accepts, read from its record components (a nested record is
 * a group, a {@code List} of records is indexed), and the explanation of a key that is not one of
 * them: which element is unknown and the closest known key at that level. A new key is therefore
 * one record component; nothing here lists keys by hand except those that were removed. The groups
 * bound by records of their own ({@code asyncore.security}, {@code asyncore.blackbox}) are checked
 * against those records the same way.
 */
final class KnownProperties {

	static final String PREFIX = "asyncore";

	/** How the listener key-store keys map onto an SSL bundle. */
	static final String TLS_MIGRATION = "tls.key-store, key-store-password and key-store-type became a "
			+ "Spring Boot SSL bundle: spring.ssl.bundle.jks.NAME.keystore.location / .password / .type "
			+ "(or spring.ssl.bundle.pem.NAME.keystore.certificate / .private-key for PEM files), named by "
			+ "asyncore.listeners[N].tls.bundle: NAME (see src/docs/security.md)";

	/** Keys that existed once, by path with {@code [*]} for list indexes, and what replaced them. */
	private static final Map<String, String> RETIRED = Map.of("asyncore.listeners[*].tls.key-store",
			TLS_MIGRATION, "asyncore.listeners[*].tls.key-store-password", TLS_MIGRATION,
			"asyncore.listeners[*].tls.key-store-type", TLS_MIGRATION);

	/** Groups under {@code asyncore} with a {@code @ConfigurationProperties} record of their own. */
	private static final Map<String, Class<?>> GROUPS = Map.of("security", ApiSecurityProperties.class, "blackbox",
			BlackboxProperties.class);

	private KnownProperties() {
	}

	/**
	 * The failure for the first of {@code names} (keys under {@code asyncore}) that is no key of
	 * {@link AsyncoreProperties}, mentioning up to five others, each path once; empty when every name is known.
	 */
	static Optional<InvalidConfigurationException> unknown(List<ConfigurationPropertyName> names) {
		// asyncore.listners[0].name and [0].port fail at the same element: one failure per path
		List<InvalidConfigurationException> failures = names.stream()
			.sorted()
			.map(KnownProperties::explain)
			.flatMap(Optional::stream)
			.collect(Collectors.toMap(InvalidConfigurationException::property, (failure) -> failure,
					(first, same) -> first, LinkedHashMap::new))
			.values()
			.stream()
			.toList();
		if (failures.size() <= 1) {
			return failures.stream().findFirst();
		}
		InvalidConfigurationException first = failures.get(0);
		String others = String.join(", ", failures.stream().skip(1).map((f) -> f.property()).limit(5).toList());
		return Optional.of(new InvalidConfigurationException(first.property(),
				first.getMessage().substring(first.property().length() + 2) + " (also unknown: " + others
						+ ((failures.size() > 6) ? ", ..." : "") + ")",
				first.action()));
	}

	/** Why {@code name}, a key under {@code asyncore}, binds to nothing; empty if it is a known key. */
	static Optional<InvalidConfigurationException> explain(ConfigurationPropertyName name) {
		Type type = AsyncoreProperties.class;
		for (int i = 1; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.DASHED);
			if (i == 1 && GROUPS.containsKey(element)) {
				type = GROUPS.get(element);
				continue;
			}
			ConfigurationPropertyName path = name.chop(i + 1);
			String retired = RETIRED.get(path.toString().replaceAll("\\[\\d+]", "[*]"));
			if (retired != null) {
				return Optional.of(new InvalidConfigurationException(path.toString(),
						"is no longer supported; " + retired, "Replace " + path + " as described: " + retired));
			}
			Class<?> raw = raw(type);
			if (Collection.class.isAssignableFrom(raw)) {
				if (!name.isNumericIndex(i)) {
					return Optional.of(new InvalidConfigurationException(path.toString(), name.chop(i)
							+ " is a list: write its items as " + name.chop(i) + "[0], [1]... (in YAML, '- ' items)"));
				}
				type = ((ParameterizedType) type).getActualTypeArguments()[0];
				continue;
			}
			if (!raw.isRecord()) {
				return Optional.of(new InvalidConfigurationException(path.toString(),
						"unknown property; " + name.chop(i) + " is a single value and has no keys under it",
						"Remove " + path + ", or set " + name.chop(i) + " itself."));
			}
			Optional<RecordComponent> component = Arrays.stream(raw.getRecordComponents())
				.filter((c) -> uniform(c.getName()).equals(uniform(element)))
				.findFirst();
			if (component.isEmpty()) {
				List<String> known = new ArrayList<>(
						Arrays.stream(raw.getRecordComponents()).map((c) -> dashed(c.getName())).toList());
				if (i == 1) {
					known.addAll(GROUPS.keySet().stream().sorted().toList());
				}
				return Optional.of(unknownElement(path, element, known));
			}
			type = component.get().getGenericType();
		}
		return Optional.empty();
	}

	/**
	 * Every leaf key, list indexes written {@code [*]} ({@code asyncore.listeners[*].port}), in
	 * record order, with the component it binds to (whose {@code @DefaultValue} is its default).
	 */
	static Map<String, RecordComponent> leaves() {
		Map<String, RecordComponent> leaves = new LinkedHashMap<>();
		collect(PREFIX, AsyncoreProperties.class, leaves);
		GROUPS.entrySet().stream().sorted(Map.Entry.comparingByKey())
			.forEach((group) -> collect(PREFIX + "." + group.getKey(), group.getValue(), leaves));
		return leaves;
	}

	private static void collect(String prefix, Class<?> record, Map<String, RecordComponent> leaves) {
		for (RecordComponent component : record.getRecordComponents()) {
			String key = prefix + "." + dashed(component.getName());
			Type type = component.getGenericType();
			if (List.class.isAssignableFrom(raw(type))
					&& raw(((ParameterizedType) type).getActualTypeArguments()[0]).isRecord()) {
				collect(key + "[*]", raw(((ParameterizedType) type).getActualTypeArguments()[0]), leaves);
			}
			else if (raw(type).isRecord()) {
				collect(key, raw(type), leaves);
			}
			else {
				leaves.put(key, component);
			}
		}
	}

	private static InvalidConfigurationException unknownElement(ConfigurationPropertyName path, String element,
			List<String> known) {
		String closest = known.stream()
			.min(Comparator.comparingInt((String k) -> distance(uniform(k), uniform(element))))
			.orElse(null);
		String parent = (path.getNumberOfElements() > 1) ? path.chop(path.getNumberOfElements() - 1).toString() : "";
		String knownList = String.join(", ", known);
		if (closest != null && distance(uniform(closest), uniform(element)) <= Math.max(2, element.length() / 3)) {
			return new InvalidConfigurationException(path.toString(), "unknown property; did you mean " + closest + "?",
					"Rename it to " + parent + "." + closest + " (keys known under " + parent + ": " + knownList
							+ "; every key is in src/docs/configuration.md).");
		}
		return new InvalidConfigurationException(path.toString(),
				"unknown property; keys known under " + parent + ": " + knownList,
				"Remove it or use one of the known keys (every key is in src/docs/configuration.md).");
	}

	private static Class<?> raw(Type type) {
		return (type instanceof ParameterizedType parameterized) ? (Class<?>) parameterized.getRawType()
				: (Class<?>) type;
	}

	/** {@code maxConnections} → {@code max-connections}. */
	static String dashed(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

	private static String uniform(String key) {
		return key.replace("-", "").toLowerCase();
	}

	/** Levenshtein distance: edits to turn {@code a} into {@code b}. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
