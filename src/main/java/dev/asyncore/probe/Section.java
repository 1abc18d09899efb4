package dev.asyncore.probe;

import java.time.Duration;
import java.util.ArrayList;
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
 * silently. Not thread-safe; used while parsing only.
 */
final class Section {

	private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w|y)");

	private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?");

	private final String path;

	private final Map<String, Object> values;

	private final Set<String> read = new LinkedHashSet<>();

	private final Map<String, String> unsupported = new LinkedHashMap<>();

	private Section(String path, Map<String, Object> values) {
		this.path = path;
		this.values = values;
	}

	/** Reads {@code value} at {@code path} as a mapping with string keys; {@code null} is an empty one. */
	static Section of(String path, Object value) {
		if (value == null) {
			return new Section(path, Map.of());
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
		return new Section(path, values);
	}

	String path() {
		return this.path;
	}

	String key(String name) {
		return this.path.isEmpty() ? name : this.path + "." + name;
	}

	Set<String> keys() {
		return this.values.keySet();
	}

	boolean has(String name) {
		return this.values.containsKey(name);
	}

	/** Declares blackbox_exporter options this implementation does not offer; finding one fails with {@code why}. */
	Section unsupported(String why, String... names) {
		for (String name : names) {
			this.unsupported.put(name, why);
		}
		return this;
	}

	Object raw(String name) {
		this.read.add(name);
		return this.values.get(name);
	}

	String string(String name, String fallback) {
		Object value = raw(name);
		if (value == null) {
			return fallback;
		}
		if (value instanceof Map || value instanceof List) {
			throw new ModuleConfigException(key(name), "must be a string, was " + describe(value));
		}
		return String.valueOf(value);
	}

	boolean bool(String name, boolean fallback) {
		Object value = raw(name);
		if (value == null) {
			return fallback;
		}
		if (!(value instanceof Boolean b)) {
			throw new ModuleConfigException(key(name), "must be true or false, was " + describe(value));
		}
		return b;
	}

	Section section(String name) {
		return of(key(name), raw(name));
	}

	List<Object> list(String name) {
		Object value = raw(name);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw new ModuleConfigException(key(name), "must be a list, was " + describe(value));
		}
		return new ArrayList<>(list);
	}

	List<String> strings(String name) {
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

	List<Pattern> regexps(String name) {
		List<Pattern> patterns = new ArrayList<>();
		List<String> sources = strings(name);
		for (int i = 0; i < sources.size(); i++) {
			patterns.add(regexp(key(name) + "[" + i + "]", sources.get(i)));
		}
		return patterns;
	}

	static Pattern regexp(String key, String source) {
		try {
			return Pattern.compile(source);
		}
		catch (IllegalArgumentException ex) {
			throw new ModuleConfigException(key, "is not a valid regular expression: " + ex.getMessage().lines().findFirst().orElse(""));
		}
	}

	/** A Go duration ({@code 5s}, {@code 1m30s}, {@code 500ms}) or a bare number of seconds. */
	Duration duration(String name, Duration fallback) {
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

	static Duration parseDuration(String text) {
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

	/** A size such as {@code 1MB} or {@code 512KiB}, as blackbox_exporter reads it (powers of two); 0 if absent. */
	long size(String name) {
		String text = string(name, null);
		if (text == null) {
			return 0;
		}
		Matcher m = SIZE.matcher(text.strip());
		if (!m.matches()) {
			throw new ModuleConfigException(key(name), "'" + text + "' is not a size such as 512KB or 10MB");
		}
		long amount = Long.parseLong(m.group(1));
		String unit = (m.group(2) == null) ? "B" : m.group(2);
		int shift = switch (unit.charAt(0)) {
			case 'K' -> 10;
			case 'M' -> 20;
			case 'G' -> 30;
			case 'T' -> 40;
			default -> 0;
		};
		return amount << shift;
	}

	/** Fails on the first key present but never read, naming it. */
	void finish() {
		for (String name : this.values.keySet()) {
			if (this.read.contains(name)) {
				continue;
			}
			String why = this.unsupported.get(name);
			if (why != null) {
				throw new ModuleConfigException(key(name), "is a blackbox_exporter option this service does not support ("
						+ why + "); remove it");
			}
			throw new ModuleConfigException(key(name), "unknown key");
		}
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
		return "'" + value + "'";
	}

}
