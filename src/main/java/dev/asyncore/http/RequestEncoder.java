package dev.asyncore.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes a request head (and body) for one hop; the defaults give way to a prober's own headers. */
final class RequestEncoder {

	/** Fields that HTTP/2 forbids (RFC 9113 section 8.2.2) or carries as pseudo-headers. */
	private static final Set<String> NOT_IN_HTTP2 = Set.of("host", "connection", "keep-alive", "proxy-connection",
			"transfer-encoding", "upgrade");

	private RequestEncoder() {
	}

	static byte[] encode(String method, Target target, String userAgent, RequestOptions extra, byte[] body) {
		return encode(method, target, userAgent, extra, body, null);
	}

	/**
	 * @param cookies a cookie jar's {@code Cookie} value, appended to a {@code Cookie} header of
	 * {@code extra} as Go's {@code AddCookie} does, or {@code null}
	 */
	static byte[] encode(String method, Target target, String userAgent, RequestOptions extra, byte[] body,
			String cookies) {
		StringBuilder text = new StringBuilder(160).append(method)
			.append(' ')
			.append(target.requestTarget())
			.append(" HTTP/1.1\r\n");
		defaultHeader(text, extra, "Host", target.hostHeader());
		defaultHeader(text, extra, "User-Agent", userAgent);
		defaultHeader(text, extra, "Accept", "*/*");
		defaultHeader(text, extra, "Accept-Encoding", "identity");
		if (extra.freshConnection()) {
			// the connection closes after this exchange: say so (RFC 9112 9.6), as Go's clients with
			// keep-alives disabled (blackbox_exporter's) do, so the server closes first and keeps
			// the TIME_WAIT state
			defaultHeader(text, extra, "Connection", "close");
		}
		boolean cookieSent = false;
		for (Map.Entry<String, String> header : extra.headers()) {
			String value = header.getValue();
			if (cookies != null && !cookieSent && header.getKey().equalsIgnoreCase("Cookie")) {
				value = value.isEmpty() ? cookies : value + "; " + cookies;
				cookieSent = true;
			}
			text.append(header.getKey()).append(": ").append(value).append("\r\n");
		}
		if (cookies != null && !cookieSent) {
			text.append("Cookie: ").append(cookies).append("\r\n");
		}
		if (body != null) {
			text.append("Content-Length: ").append(body.length).append("\r\n");
		}
		byte[] head = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
		if (body == null || body.length == 0) {
			return head;
		}
		byte[] request = Arrays.copyOf(head, head.length + body.length);
		System.arraycopy(body, 0, request, head.length, body.length);
		return request;
	}

	private static void defaultHeader(StringBuilder text, RequestOptions extra, String name, String value) {
		if (!extra.hasHeader(name)) {
			text.append(name).append(": ").append(value).append("\r\n");
		}
	}

	/**
	 * The same request as HTTP/2 fields: the pseudo-headers ({@code :authority} from a replaced
	 * {@code Host}, if any), then the fields with lower-case names, less the connection-specific ones.
	 */
	static List<Map.Entry<String, String>> http2Fields(String method, Target target, String userAgent,
			RequestOptions extra, byte[] body) {
		String authority = target.hostHeader();
		for (Map.Entry<String, String> header : extra.headers()) {
			if (header.getKey().equalsIgnoreCase("Host")) {
				authority = header.getValue();
			}
		}
		List<Map.Entry<String, String>> fields = new ArrayList<>(8 + extra.headers().size());
		fields.add(Map.entry(":method", method));
		fields.add(Map.entry(":scheme", target.https() ? "https" : "http"));
		fields.add(Map.entry(":authority", authority));
		fields.add(Map.entry(":path", target.requestTarget()));
		defaultField(fields, extra, "user-agent", userAgent);
		defaultField(fields, extra, "accept", "*/*");
		defaultField(fields, extra, "accept-encoding", "identity");
		for (Map.Entry<String, String> header : extra.headers()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!NOT_IN_HTTP2.contains(name) && (!name.equals("te") || header.getValue().equalsIgnoreCase("trailers"))) {
				fields.add(Map.entry(name, header.getValue()));
			}
		}
		if (body != null) {
			fields.add(Map.entry("content-length", Integer.toString(body.length)));
		}
		return fields;
	}

	private static void defaultField(List<Map.Entry<String, String>> fields, RequestOptions extra, String name,
			String value) {
		if (!extra.hasHeader(name)) {
			fields.add(Map.entry(name, value));
		}
	}

}
