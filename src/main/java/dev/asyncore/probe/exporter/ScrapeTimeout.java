package dev.asyncore.probe.exporter;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code X-Prometheus-Scrape-Timeout-Seconds} read as blackbox_exporter reads it: Go's
 * {@code strconv.ParseFloat(value, 64)}, whose grammar is not Java's. Go takes {@code inf},
 * {@code +Infinity} and {@code nan} in any case, hexadecimal floats with a {@code p} exponent and
 * {@code _} between digits ({@code 1_0}); it refuses what {@link Double#parseDouble} also takes
 * (surrounding spaces, {@code 5d}, {@code 5f}) and a finite value too big for a double
 * ({@code 1e400}: "value out of range"). What the number then means is
 * {@code Module#effectiveTimeout}'s business. Stateless; any thread.
 */
final class ScrapeTimeout {

	/** The header, lower-cased as {@link ExporterRequest#headers()} keys it. */
	static final String HEADER = "x-prometheus-scrape-timeout-seconds";

	private static final Pattern DECIMAL = Pattern
		.compile("[+-]?(?:[0-9_]+\\.?[0-9_]*|\\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?");

	private static final Pattern HEX = Pattern
		.compile("[+-]?0[xX](?:[0-9a-fA-F_]+\\.?[0-9a-fA-F_]*|\\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*");

	private ScrapeTimeout() {
	}

	/** The header's value could not be read; the message is Go's. */
	static final class Unparsable extends Exception {

		private static final long serialVersionUID = 1L;

		Unparsable(String value, String why) {
			super("strconv.ParseFloat: parsing " + quote(value) + ": " + why);
		}

	}

	/**
	 * @param value the header's value, {@code null} or empty when absent (as Go's {@code Header.Get})
	 * @return the seconds, any double; 0 when absent, which blackbox_exporter reads as no timeout
	 * @throws Unparsable when Go's {@code strconv.ParseFloat} fails
	 */
	static double seconds(String value) throws Unparsable {
		if (value == null || value.isEmpty()) {
			return 0;
		}
		boolean signed = value.charAt(0) == '+' || value.charAt(0) == '-';
		String unsigned = (signed ? value.substring(1) : value).toLowerCase(Locale.ROOT);
		if (unsigned.equals("inf") || unsigned.equals("infinity")) {
			return (value.charAt(0) == '-') ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
		}
		if (!signed && unsigned.equals("nan")) {
			return Double.NaN; // Go takes no sign before NaN
		}
		boolean underscores = value.indexOf('_') >= 0;
		if (!(DECIMAL.matcher(value).matches() || HEX.matcher(value).matches()) || (underscores && !underscoresOk(value))) {
			throw new Unparsable(value, "invalid syntax");
		}
		double seconds = Double.parseDouble(underscores ? value.replace("_", "") : value);
		if (Double.isInfinite(seconds)) {
			throw new Unparsable(value, "value out of range");
		}
		return seconds;
	}

	/** Go's {@code underscoreOK}: each {@code _} between two digits, or after the base prefix. */
	private static boolean underscoresOk(String s) {
		int i = (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
		char saw = '^';
		boolean hex = s.length() >= i + 2 && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x';
		if (hex) {
			i += 2;
			saw = '0';
		}
		for (; i < s.length(); i++) {
			char c = s.charAt(i);
			char lower = (char) (c | 0x20);
			if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
				saw = '0';
			}
			else if (c == '_') {
				if (saw != '0') {
					return false;
				}
				saw = '_';
			}
			else if (saw == '_') {
				return false;
			}
			else {
				saw = '!';
			}
		}
		return saw != '_';
	}

	/** Go's {@code %q} for the printable ASCII a request head can hold, other bytes as {@code \xNN}. */
	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c == '\t') {
				quoted.append("\\t");
			}
			else if (c < 0x20 || c >= 0x7f) {
				quoted.append(String.format("\\x%02x", (int) c & 0xff));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
