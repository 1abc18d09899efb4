package dev.asyncore.boot;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition. */
public final class Prometheus {

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+(\\S+)");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

	private Prometheus() {
	}

	/**
	 * The value of the sample named {@code name} whose labels include {@code labels} (alternating
	 * names and values).
	 * @throws AssertionError if there is none
	 */
	public static double value(String exposition, String name, String... labels) {
		Map<String, String> wanted = new TreeMap<>();
		for (int i = 0; i < labels.length; i += 2) {
			wanted.put(labels[i], labels[i + 1]);
		}
		for (String line : exposition.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (!sample.find() || !sample.group(1).equals(name)) {
				continue;
			}
			Map<String, String> actual = new TreeMap<>();
			if (sample.group(3) != null) {
				Matcher label = LABEL.matcher(sample.group(3));
				while (label.find()) {
					actual.put(label.group(1), label.group(2));
				}
			}
			if (actual.entrySet().containsAll(wanted.entrySet())) {
				return Double.parseDouble(sample.group(4));
			}
		}
		throw new AssertionError("No sample " + name + wanted + " in:\n" + exposition);
	}

}
