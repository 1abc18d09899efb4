package dev.asyncore.probe.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of blackbox_exporter's {@code query_response}: what to wait for ({@code expect}, a
 * regular expression matched against each line, or {@code expect_bytes}), what to send then (with
 * {@code ${1}}-style captures of the matched line), whether to start TLS after it, and the
 * {@code probe_expect_info} labels made from the match. Immutable; any thread.
 *
 * @param expect the pattern a line must contain, or {@code null}
 * @param expectBytes the exact bytes expected next (UTF-8 of the option), or {@code null}
 * @param send the text sent (a new line is added over TCP), empty for none
 * @param sendBytes a {@code !!binary} {@code send} value's bytes, sent as they are (no {@code ${1}}
 * expansion), or {@code null} when {@code send} is text
 * @param startTls whether TLS starts after this entry
 * @param labels the {@code probe_expect_info} labels, values expanded from the match
 */
public record QueryResponse(Pattern expect, byte[] expectBytes, String send, byte[] sendBytes, boolean startTls,
		List<Label> labels) {

	private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

	public QueryResponse {
		expectBytes = (expectBytes != null) ? expectBytes.clone() : null;
		sendBytes = (sendBytes != null) ? sendBytes.clone() : null;
		labels = List.copyOf(labels);
	}

	@Override
	public byte[] expectBytes() {
		return (this.expectBytes != null) ? this.expectBytes.clone() : null;
	}

	@Override
	public byte[] sendBytes() {
		return (this.sendBytes != null) ? this.sendBytes.clone() : null;
	}

	/** A {@code probe_expect_info} label: its name and its value before expansion. */
	public record Label(String name, String value) {
	}

	/**
	 * Reads the entries of {@code query_response}.
	 * @param datagrams whether they are for the udp prober (no {@code starttls} there)
	 */
	public static List<QueryResponse> parseAll(YamlSection s, String name, boolean datagrams) {
		List<QueryResponse> steps = new ArrayList<>();
		List<Object> items = s.list(name);
		for (int i = 0; i < items.size(); i++) {
			steps.add(parse(YamlSection.of(s.key(name) + "[" + i + "]", items.get(i)), datagrams));
		}
		return steps;
	}

	private static QueryResponse parse(YamlSection s, boolean datagrams) {
		String source = s.string("expect", null);
		Pattern expect = (source != null) ? compile(s.key("expect"), source) : null;
		byte[] rawBytes = s.bytes("expect_bytes");
		String bytes = (rawBytes != null) ? new String(rawBytes, StandardCharsets.ISO_8859_1) : null;
		if (expect != null && bytes != null) {
			throw new ModuleConfigException(s.key("expect_bytes"), "expect and expect_bytes are mutually exclusive");
		}
		if (bytes != null && bytes.isEmpty()) {
			bytes = null; // as blackbox_exporter: an empty expect_bytes expects nothing
		}
		boolean startTls = s.bool("starttls", false);
		if (startTls && datagrams) {
			throw new ModuleConfigException(s.key("starttls"), "the udp prober has no TLS (DTLS is not supported)");
		}
		List<Label> labels = new ArrayList<>();
		List<Object> items = s.list("labels");
		for (int i = 0; i < items.size(); i++) {
			YamlSection label = YamlSection.of(s.key("labels") + "[" + i + "]", items.get(i));
			String labelName = label.string("name", null);
			if (labelName == null || !LABEL_NAME.matcher(labelName).matches() || labelName.startsWith("__")) {
				throw new ModuleConfigException(label.key("name"), "must be a Prometheus label name, was '" + labelName + "'");
			}
			labels.add(new Label(labelName, label.string("value", "")));
			label.finish();
		}
		if (!labels.isEmpty() && expect == null) {
			throw new ModuleConfigException(s.key("labels"), "labels take their values from an expect match: set expect too");
		}
		boolean binary = s.has("send") && s.raw("send") instanceof byte[];
		byte[] send = s.bytes("send");
		QueryResponse step = new QueryResponse(expect, (bytes != null) ? rawBytes : null,
				binary ? "" : s.string("send", ""), binary ? send : null, startTls, labels);
		s.finish();
		return step;
	}

	/**
	 * Compiles a Go (RE2) expression as Java reads it: {@code (?P<name>} becomes {@code (?<name>},
	 * and only {@code \n} ends a line for {@code .}, {@code ^} and {@code $}, as in Go.
	 */
	public static Pattern compile(String key, String source) {
		String java = source.replace("(?P<", "(?<");
		try {
			return Pattern.compile(java, Pattern.UNIX_LINES);
		}
		catch (IllegalArgumentException ex) {
			throw new ModuleConfigException(key, "is not a valid regular expression: " + ex.getMessage().lines().findFirst().orElse(""));
		}
	}

	/**
	 * Go's {@code Regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} take a
	 * group of {@code match} (empty if it did not take part or does not exist), {@code $$} is a
	 * dollar, and a malformed reference stays as written.
	 */
	public static String expand(String template, Matcher match) {
		StringBuilder out = new StringBuilder(template.length() + 16);
		int i = 0;
		while (i < template.length()) {
			int dollar = template.indexOf('$', i);
			if (dollar < 0) {
				out.append(template, i, template.length());
				break;
			}
			out.append(template, i, dollar);
			i = dollar + 1;
			if (i < template.length() && template.charAt(i) == '$') {
				out.append('$');
				i++;
				continue;
			}
			boolean brace = i < template.length() && template.charAt(i) == '{';
			int start = brace ? i + 1 : i;
			int end = start;
			while (end < template.length() && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) {
				end++;
			}
			if (end == start || (brace && (end >= template.length() || template.charAt(end) != '}'))) {
				out.append('$'); // malformed: the dollar is text
				continue;
			}
			out.append(group(match, template.substring(start, end)));
			i = brace ? end + 1 : end;
		}
		return out.toString();
	}

	private static String group(Matcher match, String name) {
		int number = -1;
		if (name.chars().allMatch(c -> c >= '0' && c <= '9') && !(name.length() > 1 && name.charAt(0) == '0')
				&& name.length() < 9) {
			number = Integer.parseInt(name);
		}
		String value;
		try {
			value = (number >= 0) ? ((number <= match.groupCount()) ? match.group(number) : null) : match.group(name);
		}
		catch (IllegalArgumentException ex) {
			value = null; // no group of that name
		}
		return (value != null) ? value : "";
	}

}
