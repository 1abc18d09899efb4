package dev.asyncore.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of one probe, rendered in the Prometheus text format exactly as blackbox_exporter's
 * Go client renders them: families sorted by name, samples by label values, numbers in Go's
 * shortest {@code 'g'} form. Not thread-safe: one probe fills it on the loop thread, then it is
 * rendered once.
 */
public final class ProbeReport {

	/** By name; sorted when rendered. A probe sets about twenty, most with one unlabelled sample. */
	private final Map<String, Family> families = new HashMap<>(64);

	/** Sets the unlabelled gauge {@code name}. */
	public ProbeReport gauge(String name, String help, double value) {
		family(name, help).put("", value);
		return this;
	}

	/** Sets one sample of the gauge {@code name}; {@code labels} alternate name and value. */
	public ProbeReport gauge(String name, String help, double value, String... labels) {
		StringBuilder text = new StringBuilder(32);
		for (int i = 0; i < labels.length; i += 2) {
			text.append(i == 0 ? "{" : ",").append(labels[i]).append("=\"");
			escape(text, labels[i + 1]);
			text.append('"');
		}
		family(name, help).put(text.append('}').toString(), value);
		return this;
	}

	/** The value of an unlabelled gauge, or {@code null}. */
	public Double value(String name) {
		Family family = this.families.get(name);
		return (family != null) ? family.get("") : null;
	}

	/** The names of the families present, sorted. */
	public List<String> names() {
		List<String> names = new ArrayList<>(this.families.keySet());
		names.sort(null);
		return names;
	}

	private Family family(String name, String help) {
		Family family = this.families.get(name);
		if (family == null) {
			family = new Family(name, help);
			this.families.put(name, family);
		}
		return family;
	}

	/** The Prometheus text exposition (version 0.0.4). */
	public String render() {
		Family[] sorted = this.families.values().toArray(new Family[0]);
		Arrays.sort(sorted, (a, b) -> a.name.compareTo(b.name));
		int capacity = 0;
		for (Family family : sorted) {
			capacity += family.header.length() + family.size * (family.name.length() + 32);
		}
		StringBuilder out = new StringBuilder(capacity);
		for (Family family : sorted) {
			out.append(family.header);
			for (int i = 0; i < family.size; i++) {
				out.append(family.name).append(family.labels[i]).append(' ');
				goFloat(out, family.values[i]);
				out.append('\n');
			}
		}
		return out.toString();
	}

	/** Appends {@code value} with backslash, double quote and newline escaped, as Prometheus and logfmt both want. */
	static void escape(StringBuilder out, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\' -> out.append("\\\\");
				case '"' -> out.append("\\\"");
				case '\n' -> out.append("\\n");
				default -> out.append(c);
			}
		}
	}

	/** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: shortest digits, an exponent from 1e6 up or below 1e-4. */
	static String goFloat(double value) {
		StringBuilder out = new StringBuilder(24);
		goFloat(out, value);
		return out.toString();
	}

	/** Appends {@link #goFloat(double) goFloat(value)} to {@code out}. */
	static void goFloat(StringBuilder out, double value) {
		if (Double.isNaN(value)) {
			out.append("NaN");
			return;
		}
		if (Double.isInfinite(value)) {
			out.append((value > 0) ? "+Inf" : "-Inf");
			return;
		}
		if (value == 0) {
			out.append((1 / value < 0) ? "-0" : "0");
			return;
		}
		double magnitude = Math.abs(value);
		if (value < 0) {
			out.append('-');
		}
		if (magnitude < 1e6 && magnitude == Math.rint(magnitude)) {
			out.append((long) magnitude); // the common case (counts, codes, flags) without digit analysis
			return;
		}
		int k = shortestScale(magnitude);
		if (k < 0) {
			javaDigits(out, magnitude);
		}
		else if (magnitude >= 1e-4 && magnitude < 1e6) {
			fixed(out, Math.round(magnitude * POWERS_OF_TEN[k]), k);
		}
		else {
			exponent(out, Long.toString(Math.round(magnitude * POWERS_OF_TEN[k])), -k);
		}
	}

	/** Every power of ten a double holds exactly. */
	private static final double[] POWERS_OF_TEN = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
			1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

	/**
	 * The fewest decimals {@code k} for which {@code m = round(magnitude * 10^k)} has at most 15
	 * digits and {@code m / 10^k} reads back as {@code magnitude}, or -1 if there is none (the
	 * value needs 16 or 17 digits, or is too small for the table). Durations in nanoseconds over
	 * 1e9 and integers below 1e15 always have one. With at most 15 digits that decimal is the
	 * only one of its length that rounds to {@code magnitude} (15-digit decimals are spaced wider
	 * than doubles), hence the shortest that round-trips, which is what Go prints. {@code m / 10^k}
	 * is the correctly rounded quotient, as parsing the text would be; no big-number arithmetic.
	 */
	private static int shortestScale(double magnitude) {
		for (int k = 0; k < POWERS_OF_TEN.length; k++) {
			double scaled = magnitude * POWERS_OF_TEN[k];
			if (scaled >= 1e15) {
				return -1;
			}
			if (Math.round(scaled) / POWERS_OF_TEN[k] == magnitude) {
				return k;
			}
		}
		return -1;
	}

	/** {@code m / 10^k} in fixed point; {@code m} has no trailing zero when {@code k > 0} (k is the fewest). */
	private static void fixed(StringBuilder out, long m, int k) {
		String digits = Long.toString(m);
		if (digits.length() <= k) {
			out.append("0.");
			for (int i = digits.length(); i < k; i++) {
				out.append('0');
			}
			out.append(digits);
		}
		else if (k == 0) {
			out.append(digits);
		}
		else {
			int point = digits.length() - k;
			out.append(digits, 0, point).append('.').append(digits, point, digits.length());
		}
	}

	/** {@code digits * 10^scale} in Go's exponent form: the digits without trailing zeros, {@code d.ddde-XX}. */
	private static void exponent(StringBuilder out, CharSequence digits, int scale) {
		int end = digits.length();
		while (end > 1 && digits.charAt(end - 1) == '0') {
			end--;
		}
		int exponent = digits.length() - 1 + scale;
		out.append(digits.charAt(0));
		if (end > 1) {
			out.append('.').append(digits, 1, end);
		}
		out.append((exponent < 0) ? "e-" : "e+");
		int abs = Math.abs(exponent);
		if (abs < 10) {
			out.append('0');
		}
		out.append(abs);
	}

	/** The rare value that needs 16 or 17 digits: Double.toString's shortest round-trip digits, laid out as Go does. */
	private static void javaDigits(StringBuilder out, double magnitude) {
		String text = Double.toString(magnitude);
		int e = text.indexOf('E');
		String mantissa = (e < 0) ? text : text.substring(0, e);
		int exponent = (e < 0) ? 0 : Integer.parseInt(text.substring(e + 1));
		int dot = mantissa.indexOf('.');
		StringBuilder digits = new StringBuilder(mantissa.length()).append(mantissa, 0, dot).append(mantissa, dot + 1,
				mantissa.length());
		exponent += dot - 1;
		int lead = 0;
		while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
			lead++;
			exponent--;
		}
		digits.delete(0, lead);
		int end = digits.length();
		while (end > 1 && digits.charAt(end - 1) == '0') {
			end--;
		}
		digits.setLength(end);
		if (exponent < -4 || exponent >= 6) {
			exponent(out, digits, exponent - (digits.length() - 1));
		}
		else if (exponent < 0) {
			out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
		}
		else if (digits.length() <= exponent + 1) {
			out.append(digits).append("0".repeat(exponent + 1 - digits.length()));
		}
		else {
			out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
		}
	}

	/** One metric family: its samples kept sorted by label text, as Go's client writes them. */
	private static final class Family {

		private static final int HEADERS_CACHED = 256;

		private static final Map<String, Family> HEADERS = new ConcurrentHashMap<>();

		final String name;

		final String help;

		/** Its {@code # HELP} and {@code # TYPE} lines. */
		final String header;

		String[] labels = new String[1];

		double[] values = new double[1];

		int size;

		Family(String name, String help) {
			this.name = name;
			this.help = help;
			this.header = header(name, help);
		}

		/**
		 * The header lines, built once per family name: the names and help texts are the probers'
		 * constants, a few dozen; the cache stops growing at {@link #HEADERS_CACHED} all the same.
		 */
		private static String header(String name, String help) {
			Family known = HEADERS.get(name);
			if (known != null && known.help.equals(help)) {
				return known.header;
			}
			String header = "# HELP " + name + ' ' + help + "\n# TYPE " + name + " gauge\n";
			if (known == null && HEADERS.size() < HEADERS_CACHED) {
				HEADERS.putIfAbsent(name, new Family(name, help, header));
			}
			return header;
		}

		private Family(String name, String help, String header) {
			this.name = name;
			this.help = help;
			this.header = header;
		}

		void put(String label, double value) {
			int i = 0;
			while (i < this.size && this.labels[i].compareTo(label) < 0) {
				i++;
			}
			if (i < this.size && this.labels[i].equals(label)) {
				this.values[i] = value;
				return;
			}
			if (this.size == this.labels.length) {
				this.labels = Arrays.copyOf(this.labels, this.size * 2);
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			System.arraycopy(this.labels, i, this.labels, i + 1, this.size - i);
			System.arraycopy(this.values, i, this.values, i + 1, this.size - i);
			this.labels[i] = label;
			this.values[i] = value;
			this.size++;
		}

		Double get(String label) {
			for (int i = 0; i < this.size; i++) {
				if (this.labels[i].equals(label)) {
					return this.values[i];
				}
			}
			return null;
		}

	}

}
