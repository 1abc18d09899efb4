package dev.asyncore.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics of one probe, rendered in the Prometheus text format exactly as blackbox_exporter's
 * Go client renders them: families sorted by name, samples by label values, numbers in Go's
 * shortest {@code 'g'} form. Not thread-safe: one probe fills it on the loop thread, then it is
 * rendered once.
 */
public final class ProbeReport {

	private final Map<String, Family> families = new TreeMap<>();

	/** Sets the unlabelled gauge {@code name}. */
	public ProbeReport gauge(String name, String help, double value) {
		family(name, help).samples.put("", value);
		return this;
	}

	/** Sets one sample of the gauge {@code name}; {@code labels} alternate name and value. */
	public ProbeReport gauge(String name, String help, double value, String... labels) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < labels.length; i += 2) {
			text.append(i == 0 ? "{" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
		}
		family(name, help).samples.put(text.append('}').toString(), value);
		return this;
	}

	/** The value of an unlabelled gauge, or {@code null}. */
	public Double value(String name) {
		Family family = this.families.get(name);
		return (family != null) ? family.samples.get("") : null;
	}

	/** The names of the families present, sorted. */
	public List<String> names() {
		return new ArrayList<>(this.families.keySet());
	}

	private Family family(String name, String help) {
		return this.families.computeIfAbsent(name, n -> new Family(help));
	}

	/** The Prometheus text exposition (version 0.0.4). */
	public String render() {
		StringBuilder out = new StringBuilder(2048);
		this.families.forEach((name, family) -> {
			out.append("# HELP ").append(name).append(' ').append(family.help).append('\n');
			out.append("# TYPE ").append(name).append(" gauge\n");
			family.samples.forEach((labels, value) -> out.append(name)
				.append(labels)
				.append(' ')
				.append(goFloat(value))
				.append('\n'));
		});
		return out.toString();
	}

	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	/** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: shortest digits, an exponent from 1e6 up or below 1e-4. */
	static String goFloat(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "+Inf" : "-Inf";
		}
		if (value == 0) {
			return (1 / value < 0) ? "-0" : "0";
		}
		double magnitude = Math.abs(value);
		String sign = (value < 0) ? "-" : "";
		if (magnitude < 1e6 && magnitude == Math.rint(magnitude)) {
			return sign + (long) magnitude; // the common case (counts, codes, flags) without digit analysis
		}
		if (magnitude >= 1e-4 && magnitude < 1e6) {
			String fixed = shortFixed(magnitude);
			if (fixed != null) {
				return sign + fixed;
			}
		}
		if (magnitude < 1e15 && magnitude == Math.rint(magnitude)) {
			return sign + exponentForm(Long.toString((long) magnitude)); // hashes, timestamps: exact digits
		}
		// Double.toString gives the shortest digits that round-trip, as Go's 'g' with precision -1 does
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
			String exp = String.valueOf(Math.abs(exponent));
			StringBuilder out = new StringBuilder(sign).append(digits.charAt(0));
			if (digits.length() > 1) {
				out.append('.').append(digits, 1, digits.length());
			}
			return out.append('e').append((exponent < 0) ? '-' : '+').append((exp.length() < 2) ? "0" : "").append(exp)
				.toString();
		}
		StringBuilder out = new StringBuilder(sign);
		if (exponent < 0) {
			out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
		}
		else if (digits.length() <= exponent + 1) {
			out.append(digits).append("0".repeat(exponent + 1 - digits.length()));
		}
		else {
			out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
		}
		return out.toString();
	}

	private static final double[] POWERS_OF_TEN = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
			1e12, 1e13, 1e14, 1e15 };

	/**
	 * The fixed-point form of {@code magnitude} (in [1e-4, 1e6)) with the fewest decimals that read
	 * back as the same double, if it has at most 15 significant digits (durations in nanoseconds
	 * over 1e9 do); else {@code null}. With at most 15 digits that form is the only one of its
	 * length, hence the shortest that round-trips, which is what Go prints. {@code m / 10^k} is
	 * the correctly rounded quotient, as parsing the text would be; no big-number arithmetic.
	 */
	private static String shortFixed(double magnitude) {
		for (int k = 1; k < POWERS_OF_TEN.length; k++) {
			double scaled = magnitude * POWERS_OF_TEN[k];
			if (scaled >= 1e15) {
				return null;
			}
			long m = Math.round(scaled);
			if (m / POWERS_OF_TEN[k] == magnitude) {
				String digits = Long.toString(m);
				if (digits.length() <= k) {
					return "0." + "0".repeat(k - digits.length()) + digits;
				}
				int point = digits.length() - k;
				return digits.substring(0, point) + '.' + digits.substring(point);
			}
		}
		return null;
	}

	/** An integer from 1e6 up, in Go's exponent form: its digits without trailing zeros, {@code d.ddde+XX}. */
	private static String exponentForm(String digits) {
		int end = digits.length();
		while (end > 1 && digits.charAt(end - 1) == '0') {
			end--;
		}
		int exponent = digits.length() - 1;
		StringBuilder out = new StringBuilder(end + 6).append(digits.charAt(0));
		if (end > 1) {
			out.append('.').append(digits, 1, end);
		}
		return out.append((exponent < 10) ? "e+0" : "e+").append(exponent).toString();
	}

	private static final class Family {

		final String help;

		final Map<String, Double> samples = new TreeMap<>();

		Family(String help) {
			this.help = help;
		}

	}

}
