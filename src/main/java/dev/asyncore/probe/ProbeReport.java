package dev.asyncore.probe;

import java.math.BigDecimal;
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
		BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		String digits = decimal.unscaledValue().abs().toString();
		int exponent = digits.length() - 1 - decimal.scale();
		String sign = (value < 0) ? "-" : "";
		if (exponent < -4 || exponent >= 6) {
			String mantissa = (digits.length() == 1) ? digits : digits.charAt(0) + "." + digits.substring(1);
			String exp = String.valueOf(Math.abs(exponent));
			return sign + mantissa + "e" + ((exponent < 0) ? "-" : "+") + ((exp.length() < 2) ? "0" + exp : exp);
		}
		return sign + decimal.abs().toPlainString();
	}

	private static final class Family {

		final String help;

		final Map<String, Double> samples = new TreeMap<>();

		Family(String help) {
			this.help = help;
		}

	}

}
