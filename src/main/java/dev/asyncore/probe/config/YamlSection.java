package dev.asyncore.probe.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of a module file, read strictly: every key read is remembered, and {@link #finish}
 * fails on any key left over, naming it, so a misspelt or unsupported option never passes
 * silently. Every error is a {@link ModuleConfigException} naming the key. The typed getters are
 * the one parser of each value kind (strings, booleans, lists, regular expressions, Go durations,
 * sizes). A value read with {@link #secret} is masked in {@link #masked()}, the view of the mapping
 * that is shown ({@code debug=true}, configuration dumps). Not thread-safe; used while parsing only.
 */
public final class YamlSection {

	private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w|y)");


	private final String path;

	private final Map<String, Object> values;

	private final Set<String> read = new LinkedHashSet<>();

	private final Map<String, String> unsupported = new LinkedHashMap<>();

	/** Keys declared {@link #unsupportedEvenIfRead}: marked though a shared parser reads them. */
	private final Set<String> unhonoured = new LinkedHashSet<>();

	/** The mappings read with {@link #section}, so that {@link #masked()} masks their secrets too. */
	private final Map<String, YamlSection> children = new LinkedHashMap<>();

	private final Set<String> secrets = new HashSet<>();

	private final boolean present;

	private YamlSection(String path, Map<String, Object> values, boolean present) {
		this.path = path;
		this.values = values;
		this.present = present;
	}

	/** Reads {@code value} at {@code path} as a mapping with string keys; {@code null} is an empty one. */
	public static YamlSection of(String path, Object value) {
		if (value == null) {
			return new YamlSection(path, Map.of(), false);
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new ModuleConfigException(path, "must be a mapping, was " + describe(value));
		}
		Map<String, Object> values = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			if (!(k instanceof String name)) {
				throw new ModuleConfigException(path, "keys must be strings, found " + describe(k));
			}
			values.put(name, v);
		});
		return new YamlSection(path, values, true);
	}

	/** The dotted path of this mapping, such as {@code modules.web.http}; empty for the file's root. */
	public String path() {
		return this.path;
	}

	/** The dotted path of the key {@code name} in this mapping, for error messages. */
	public String key(String name) {
		return this.path.isEmpty() ? name : this.path + "." + name;
	}

	/** The keys present, in file order (reading none of them). */
	public Set<String> keys() {
		return this.values.keySet();
	}

	/** Whether the key {@code name} is present (its value may be empty). */
	public boolean has(String name) {
		return this.values.containsKey(name);
	}

	/**
	 * Declares blackbox_exporter options this implementation does not offer: a module that sets one
	 * still loads, and is {@link #unimplemented() marked} so that each of its probes fails with {@code why}.
	 */
	public YamlSection unsupported(String why, String... names) {
		for (String name : names) {
			this.unsupported.put(name, why);
		}
		return this;
	}

	/**
	 * As {@link #unsupported}, for keys a shared parser reads (and checks) that this prober does not
	 * honour, such as the proxy options of an {@code http_config} read by a prober that dials directly:
	 * they are marked even though they were read.
	 */
	public YamlSection unsupportedEvenIfRead(String why, String... names) {
		unsupported(why, names);
		this.unhonoured.addAll(List.of(names));
		return this;
	}

	/** Whether this mapping was in the file with a value: {@code false} for an absent or empty key. */
	public boolean present() {
		return this.present;
	}

	/** The value of {@code name} as the YAML parser gave it ({@code null} if absent), marking it read. */
	public Object raw(String name) {
		this.read.add(name);
		return this.values.get(name);
	}

	/** A scalar as text, or {@code fallback} if absent or empty; a {@code !!binary} value is read as UTF-8. */
	public String string(String name, String fallback) {
		Object value = raw(name);
		if (value == null) {
			return fallback;
		}
		if (value instanceof Map || value instanceof List) {
			throw new ModuleConfigException(key(name), "must be a string, was " + describe(value));
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(value);
	}

	/**
	 * A scalar as bytes: a {@code !!binary} value as it decodes (blackbox_exporter's Go string holds
	 * those bytes), any other as its text in UTF-8; {@code null} if absent or empty.
	 */
	public byte[] bytes(String name) {
		Object value = this.values.get(name);
		if (value instanceof byte[] bytes) {
			raw(name);
			return bytes.clone();
		}
		String text = string(name, null);
		return (text == null) ? null : text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A scalar as a {@link Secret} (a password, token or key), or {@code null} if absent or empty; the
	 * key shows as {@code <secret>} in {@link #masked()}.
	 */
	public Secret secret(String name) {
		this.secrets.add(name);
		String value = string(name, null);
		return (value == null) ? null : Secret.of(value);
	}

	/** A list of scalars as secrets, empty if absent; the list shows each as {@code <secret>} in {@link #masked()}. */
	public List<Secret> secretList(String name) {
		this.secrets.add(name);
		return strings(name).stream().map(Secret::of).toList();
	}

	public boolean bool(String name, boolean fallback) {
		Object value = raw(name);
		if (value == null) {
			return fallback;
		}
		if (!(value instanceof Boolean b)) {
			throw new ModuleConfigException(key(name), "must be true or false, was " + describe(value));
		}
		return b;
	}

	/** The mapping under {@code name}; an absent key is an empty mapping that is not {@link #present()}. */
	public YamlSection section(String name) {
		YamlSection child = of(key(name), raw(name));
		this.children.put(name, child);
		return child;
	}

	/** A list, empty if absent. */
	public List<Object> list(String name) {
		Object value = raw(name);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new ModuleConfigException(key(name), "must be a list, was " + describe(value));
		}
		return new ArrayList<>(list);
	}

	/** A list of scalars as text, empty if absent. */
	public List<String> strings(String name) {
		List<String> strings = new ArrayList<>();
		List<Object> items = list(name);
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			if (item == null || item instanceof Map || item instanceof List) {
				throw new ModuleConfigException(key(name) + "[" + i + "]", "must be a string, was " + describe(item));
			}
			strings.add(String.valueOf(item));
		}
		return strings;
	}

	/** A list of regular expressions, empty if absent. */
	public List<Pattern> regexps(String name) {
		List<Pattern> patterns = new ArrayList<>();
		List<String> sources = strings(name);
		for (int i = 0; i < sources.size(); i++) {
			patterns.add(regexp(key(name) + "[" + i + "]", sources.get(i)));
		}
		return patterns;
	}

	/** Compiles {@code source}, failing with a message that names {@code key}. */
	public static Pattern regexp(String key, String source) {
		try {
			return Pattern.compile(source);
		}
		catch (IllegalArgumentException ex) {
			throw new ModuleConfigException(key, "is not a valid regular expression: " + ex.getMessage().lines().findFirst().orElse(""));
		}
	}

	/** A Go duration ({@code 5s}, {@code 1m30s}, {@code 500ms}) or a bare number of seconds. */
	public Duration duration(String name, Duration fallback) {
		String text = string(name, null);
		if (text == null) {
			return fallback;
		}
		try {
			return parseDuration(text.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new ModuleConfigException(key(name), "'" + text + "' is not a duration such as 5s, 1m30s or 500ms");
		}
	}

	/**
	 * Go's {@code time.ParseDuration} as Prometheus reads it ({@code 1m30s}; {@code d}, {@code w} and
	 * {@code y} too) or a bare number of seconds.
	 * @throws IllegalArgumentException if {@code text} is neither
	 */
	public static Duration parseDuration(String text) {
		if (text.matches("\\d+(\\.\\d+)?")) {
			return Duration.ofNanos((long) (Double.parseDouble(text) * 1e9));
		}
		Matcher m = GO_DURATION.matcher(text);
		long nanos = 0;
		int at = 0;
		while (m.find() && m.start() == at) {
			double amount = Double.parseDouble(m.group(1));
			long unit = switch (m.group(2)) {
				case "ms" -> 1_000_000L;
				case "s" -> 1_000_000_000L;
				case "m" -> 60_000_000_000L;
				case "h" -> 3_600_000_000_000L;
				case "d" -> 86_400_000_000_000L;
				case "w" -> 604_800_000_000_000L;
				default -> 31_536_000_000_000_000L;
			};
			nanos += (long) (amount * unit);
			at = m.end();
		}
		if (at == 0 || at != text.length()) {
			throw new IllegalArgumentException(text);
		}
		return Duration.ofNanos(nanos);
	}

	/**
	 * A size such as {@code 1MB} or {@code 512KiB}, as blackbox_exporter reads it ({@link Base2Bytes}:
	 * powers of two, a unit required); 0 if absent.
	 */
	public long size(String name) {
		String text = string(name, null);
		if (text == null) {
			return 0;
		}
		try {
			return Base2Bytes.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new ModuleConfigException(key(name), "'" + text + "' is not a size such as 128B, 512KB or 10MiB"
					+ " (blackbox_exporter needs the unit: " + ex.getMessage() + ")");
		}
	}

	/**
	 * This mapping in file order, as it is shown: each value read with {@link #secret} is
	 * {@code <secret>}, each mapping read with {@link #section} is its own masked view, anything else
	 * is the value as the YAML parser gave it. Immutable.
	 */
	public Map<String, Object> masked() {
		Map<String, Object> view = new LinkedHashMap<>();
		this.values.forEach((name, value) -> {
			YamlSection child = this.children.get(name);
			if (value instanceof List<?> list && this.secrets.contains(name)) {
				view.put(name, list.stream().map(item -> Secret.MASK).toList());
			}
			else if (value != null && this.secrets.contains(name)) {
				view.put(name, Secret.MASK);
			}
			else if (child != null && child.present) {
				view.put(name, child.masked());
			}
			else {
				view.put(name, frozen(value));
			}
		});
		return Collections.unmodifiableMap(view);
	}

	private static Object frozen(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(k, frozen(v)));
			return Collections.unmodifiableMap(copy);
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			list.forEach((item) -> copy.add(frozen(item)));
			return Collections.unmodifiableList(copy);
		}
		return value;
	}

	/**
	 * Every key this mapping's parser asked for (whether present or not) and every key it declared
	 * {@link #unsupported}, in that order: the options it knows. For the documentation check.
	 */
	Set<String> known() {
		Set<String> known = new LinkedHashSet<>(this.read);
		known.addAll(this.unsupported.keySet());
		return known;
	}

	/** The mapping read under {@code name} with {@link #section}, or {@code null}. For the documentation check. */
	YamlSection child(String name) {
		return this.children.get(name);
	}

	/**
	 * Fails on the first key present but never read, naming it; a key declared {@link #unsupported}
	 * is marked read and listed by {@link #unimplemented()} instead.
	 */
	public void finish() {
		for (String name : this.values.keySet()) {
			if (this.read.contains(name)) {
				continue;
			}
			if (!this.unsupported.containsKey(name)) {
				throw new ModuleConfigException(key(name), "unknown key");
			}
		}
	}

	/**
	 * The blackbox_exporter options of this mapping and of those read with {@link #section} that are
	 * {@link #unsupported} here, each as {@code key: why}, in file order.
	 */
	public List<String> unimplemented() {
		List<String> found = new ArrayList<>();
		for (String name : this.values.keySet()) {
			String why = this.unsupported.get(name);
			Object value = this.values.get(name);
			boolean off = value == null || Boolean.FALSE.equals(value) || "".equals(value);
			if (why != null && (!this.read.contains(name) || this.unhonoured.contains(name)) && !off) {
				found.add(key(name) + ": " + why);
			}
			YamlSection child = this.children.get(name);
			if (child != null) {
				found.addAll(child.unimplemented());
			}
		}
		return found;
	}

	private static String describe(Object value) {
		if (value == null) {
			return "empty";
		}
		if (value instanceof Map) {
			return "a mapping";
		}
		if (value instanceof List) {
			return "a list";
		}
		if (value instanceof byte[] bytes) {
			return "!!binary (" + bytes.length + " bytes)";
		}
		return "'" + value + "'";
	}

}
