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

	/** Parses the request head (request line and header lines, the empty line excluded). */
	static ExporterRequest parse(byte[] head) throws BadRequest {
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
		if (parts.length != 3 || !isMethod(parts[0]) || parts[1].isEmpty() || !isVersion(parts[2])) {
			throw new BadRequest(400, "malformed request line");
		}
		if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
			throw new BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line : lines.subList(first + 1, lines.size())) {
			int colon = line.indexOf(':');
			if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")) {
				throw new BadRequest(400, "malformed header line");
			}
			headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
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

	/** The lines of {@code text}, as {@link String#lines()} splits them (at CR LF, LF or CR). */
	private static List<String> lines(String text) {
		List<String> lines = new ArrayList<>(8);
		int start = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c == '\n' || c == '\r') {
				lines.add(text.substring(start, i));
				if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		if (start < length) {
			lines.add(text.substring(start));
		}
		return lines;
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
