package dev.asyncore.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Small HTTP/1.1 syntax helpers for {@link ResponseParser}. Stateless; any thread. */
final class HttpSyntax {

	private HttpSyntax() {
	}

	static boolean hasToken(List<String> values, String token) {
		for (String value : values) {
			for (String part : value.split(",")) {
				if (part.strip().toLowerCase(Locale.ROOT).equals(token)) {
					return true;
				}
			}
		}
		return false;
	}

	static boolean isDigits(String s, int from, int to) {
		for (int i = from; i < to; i++) {
			if (s.charAt(i) < '0' || s.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	static boolean isTokenChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

	static String printable(byte[] bytes, int length) {
		return printable(new String(bytes, 0, Math.min(length, 80), StandardCharsets.ISO_8859_1));
	}

	/** At most 80 characters, control characters escaped: safe to put in a message. */
	static String printable(String s) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < s.length() && i < 80; i++) {
			char c = s.charAt(i);
			if (c < 0x20 || c >= 0x7f) {
				sb.append(String.format("\\x%02x", (int) c & 0xff));
			}
			else {
				sb.append(c);
			}
		}
		return (s.length() > 80) ? sb.append("...").toString() : sb.toString();
	}

	static long contentLength(List<String> values) throws FetchException {
		long length = -1;
		for (String value : values) {
			for (String part : value.split(",", -1)) {
				String digits = part.strip();
				if (digits.isEmpty() || digits.length() > 18 || !isDigits(digits, 0, digits.length())) {
					throw new FetchException.Protocol("Invalid Content-Length '" + printable(value) + "'");
				}
				long parsed = Long.parseLong(digits);
				if (length >= 0 && parsed != length) {
					throw new FetchException.Protocol("Conflicting Content-Length values " + values);
				}
				length = parsed;
			}
		}
		return length;
	}

	/** The body limit, worded the same for HTTP/1.1 and HTTP/2. */
	static void checkBodySize(long size, long maxBodySize) throws FetchException.TooLarge {
		if (size > maxBodySize) {
			throw new FetchException.TooLarge("Response body exceeds the limit of " + maxBodySize + " bytes");
		}
	}

}
