package dev.asyncore.probe.exporter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request to the exporter's HTTP side: request line and headers, parsed strictly. Immutable.
 *
 * @param method as sent (upper case by the grammar)
 * @param path the decoded-free path, without the query
 * @param query the first value of each query parameter, decoded
 * @param headers lower-cased names to the last value
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 */
public record ExporterRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
		String version) {

	/** A request that cannot be understood; {@link #status()} is what to answer. */
	public static final class BadRequest extends Exception {

		private static final long serialVersionUID = 1L;

		private final int status;

		BadRequest(int status, String message) {
			super(message);
			this.status = status;
		}

		public int status() {
			return this.status;
		}

	}

	/** Whether the connection stays open after the answer (HTTP/1.1 unless {@code Connection: close}). */
	public boolean keepAlive() {
		String connection = this.headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
		return this.version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
	}

	/**
	 * Parses the request head (request line and header lines, the empty line excluded), as strictly
	 * as RFC 9112 asks of a server: a bare CR, a control character (NUL, ...) anywhere, a header line
	 * folded over two lines, a header name that is not a token (a space or tab before the colon), and
	 * a {@code Content-Length} that is not digits, or that appears twice with different values, are
	 * each a 400. Lines end with CR LF or, as RFC 9112 permits, LF alone.
	 */
	static ExporterRequest parse(byte[] head) throws BadRequest {
		checkBytes(head);
		String text = new String(head, StandardCharsets.ISO_8859_1);
		List<String> lines = lines(text);
		int first = 0;
		while (first < lines.size() && lines.get(first).isEmpty()) {
			first++; // RFC 9112 allows empty lines before the request line
		}
		if (first >= lines.size()) {
			throw new BadRequest(400, "empty request");
		}
		String[] parts = lines.get(first).split(" ", -1);
		if (parts.length != 3 || !isMethod(parts[0]) || !isTarget(parts[1]) || !isVersion(parts[2])) {
			throw new BadRequest(400, "malformed request line");
		}
		if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
			throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line : lines.subList(first + 1, lines.size())) {
			if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
				throw new BadRequest(400, "obsolete line folding in the header");
			}
			int colon = line.indexOf(':');
			if (colon <= 0 || !isToken(line, colon)) {
				throw new BadRequest(400, "malformed header line");
			}
			String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
			String value = trimWhitespace(line, colon + 1);
			String earlier = headers.put(name, value);
			if (name.equals("content-length")) {
				if (!isDigits(value) || (earlier != null && !earlier.equals(value))) {
					throw new BadRequest(400, "bad Content-Length");
				}
			}
		}
		String target = parts[1];
		if (!target.startsWith("/")) {
			throw new BadRequest(400, "the request target must be a path");
		}
		int q = target.indexOf('?');
		String path = (q < 0) ? target : target.substring(0, q);
		Map<String, String> query = new LinkedHashMap<>();
		if (q >= 0) {
			for (String pair : target.substring(q + 1).split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int eq = pair.indexOf('=');
				try {
					String name = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
					String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
					query.putIfAbsent(name, value);
				}
				catch (IllegalArgumentException ex) {
					throw new BadRequest(400, "malformed query: " + ex.getMessage());
				}
			}
		}
		return new ExporterRequest(parts[0], path, query, headers, parts[2]);
	}

	/** No control character but HT, and CR only before LF (a bare CR must not end a line: RFC 9112 section 2.2). */
	private static void checkBytes(byte[] head) throws BadRequest {
		for (int i = 0; i < head.length; i++) {
			int b = head[i] & 0xff;
			if (b == '\r') {
				if (i + 1 >= head.length || head[i + 1] != '\n') {
					throw new BadRequest(400, "bare CR in the request head");
				}
			}
			else if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7f) {
				throw new BadRequest(400, "control character 0x" + Integer.toHexString(b) + " in the request head");
			}
		}
	}

	/** The lines of {@code text}, ended by CR LF or LF ({@link #checkBytes} refused every other CR). */
	private static List<String> lines(String text) {
		List<String> lines = new ArrayList<>(8);
		int start = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			if (text.charAt(i) == '\n') {
				int end = (i > start && text.charAt(i - 1) == '\r') ? i - 1 : i;
				lines.add(text.substring(start, end));
				start = i + 1;
			}
		}
		if (start < length) {
			lines.add(text.substring(start));
		}
		return lines;
	}

	/** RFC 9110's {@code token} ({@code tchar}s) from the start of {@code line} to {@code end}. */
	private static boolean isToken(String line, int end) {
		for (int i = 0; i < end; i++) {
			char c = line.charAt(i);
			boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
			if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
				return false;
			}
		}
		return true;
	}

	/** A request target: visible ASCII, at least one character. */
	private static boolean isTarget(String target) {
		if (target.isEmpty()) {
			return false;
		}
		for (int i = 0; i < target.length(); i++) {
			char c = target.charAt(i);
			if (c <= ' ' || c >= 0x7f) {
				return false;
			}
		}
		return true;
	}

	/** The field value after {@code from}, without the optional whitespace (SP, HT) around it. */
	private static String trimWhitespace(String line, int from) {
		int start = from;
		int end = line.length();
		while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
			start++;
		}
		while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
			end--;
		}
		return line.substring(start, end);
	}

	/** {@code 1*DIGIT}, as {@code Content-Length} must be. */
	private static boolean isDigits(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			if (!isDigit(value.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/** {@code [A-Z]{1,16}}. */
	private static boolean isMethod(String method) {
		if (method.isEmpty() || method.length() > 16) {
			return false;
		}
		for (int i = 0; i < method.length(); i++) {
			char c = method.charAt(i);
			if (c < 'A' || c > 'Z') {
				return false;
			}
		}
		return true;
	}

	/** {@code HTTP/\d(\.\d)?}: a version the grammar allows, served or not. */
	private static boolean isVersion(String version) {
		int n = version.length();
		if ((n != 6 && n != 8) || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))) {
			return false;
		}
		return n == 6 || (version.charAt(6) == '.' && isDigit(version.charAt(7)));
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}
