package dev.asyncore.probe.config;

import java.util.Map;

/**
 * A byte size as blackbox_exporter reads {@code body_size_limit}: Go's {@code units.ParseBase2Bytes}
 * (alecthomas/units). A sequence of decimal numbers, each with a unit ({@code 1MB512KB}, {@code 1.5KiB}),
 * an optional sign; {@code KB} and {@code KiB} are both 1024. A number without a unit is refused, except
 * a bare {@code 0}; so are {@code kB}, {@code K}, lower-case units, spaces and a mix of the two unit
 * families. Stateless; any thread.
 */
final class Base2Bytes {

	/** The units of {@code KiB} form, tried first. */
	private static final Map<String, Double> IEC = Map.of("B", 1.0, "KiB", 0x1p10, "MiB", 0x1p20, "GiB", 0x1p30,
			"TiB", 0x1p40, "PiB", 0x1p50, "EiB", 0x1p60);

	/** The units of {@code KB} form, also powers of two. */
	private static final Map<String, Double> OLD = Map.of("B", 1.0, "KB", 0x1p10, "MB", 0x1p20, "GB", 0x1p30,
			"TB", 0x1p40, "PB", 0x1p50, "EB", 0x1p60);

	private Base2Bytes() {
	}

	/**
	 * {@code text} in bytes, fractions truncated.
	 * @throws IllegalArgumentException with Go's reason ({@code units: unknown unit  in 128})
	 */
	static long parse(String text) {
		try {
			return parse(text, IEC);
		}
		catch (IllegalArgumentException ex) {
			return parse(text, OLD);
		}
	}

	private static long parse(String original, Map<String, Double> units) {
		String s = original;
		boolean negative = false;
		if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
			negative = s.charAt(0) == '-';
			s = s.substring(1);
		}
		if (s.equals("0")) {
			return 0;
		}
		if (s.isEmpty()) {
			throw new IllegalArgumentException("units: invalid " + original);
		}
		double total = 0;
		int at = 0;
		while (at < s.length()) {
			char c = s.charAt(at);
			if (c != '.' && (c < '0' || c > '9')) {
				throw new IllegalArgumentException("units: invalid " + original);
			}
			int start = at;
			at = digits(s, at, original);
			boolean before = at > start;
			double amount = before ? Long.parseLong(s.substring(start, at)) : 0;
			boolean after = false;
			if (at < s.length() && s.charAt(at) == '.') {
				int fraction = ++at;
				at = digits(s, at, original);
				after = at > fraction;
				if (after) {
					amount += Long.parseLong(s.substring(fraction, at)) / Math.pow(10, at - fraction);
				}
			}
			if (!before && !after) {
				throw new IllegalArgumentException("units: invalid " + original);
			}
			int unitStart = at;
			while (at < s.length() && s.charAt(at) != '.' && (s.charAt(at) < '0' || s.charAt(at) > '9')) {
				at++;
			}
			String unit = s.substring(unitStart, at);
			Double scale = units.get(unit);
			if (scale == null) {
				throw new IllegalArgumentException("units: unknown unit " + unit + " in " + original);
			}
			total += amount * scale;
		}
		total = negative ? -total : total;
		if (total < -0x1p63 || total >= 0x1p63) {
			throw new IllegalArgumentException("units: overflow parsing unit");
		}
		return (long) total;
	}

	/** The end of the digits from {@code at}; a run past a long's range is invalid, as Go's leadingInt. */
	private static int digits(String s, int at, String original) {
		int end = at;
		while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
			end++;
		}
		if (end > at && (end - at > 19 || (end - at == 19 && s.substring(at, end).compareTo("9223372036854775807") > 0))) {
			throw new IllegalArgumentException("units: invalid " + original);
		}
		return end;
	}

}
