package dev.asyncore.probe.exporter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One answer of the exporter. Immutable apart from the body array.
 *
 * @param status the status code
 * @param contentType the Content-Type
 * @param body the body
 * @param challenges the {@code WWW-Authenticate} values of a 401, empty otherwise
 * @param retryAfterSeconds the {@code Retry-After} of a 429 or 503 (a 503 without one says 1), else 0
 * @param location the {@code Location} of a redirect, else {@code null}
 */
public record ExporterResponse(int status, String contentType, byte[] body, List<String> challenges,
		long retryAfterSeconds, String location) {

	public static final String TEXT = "text/plain; charset=utf-8";

	public static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

	public ExporterResponse(int status, String contentType, byte[] body) {
		this(status, contentType, body, List.of(), 0, null);
	}

	/** A 401 asking for one of {@code challenges}. */
	public static ExporterResponse unauthorized(List<String> challenges) {
		return new ExporterResponse(401, TEXT, "401 Unauthorized: credentials required\n".getBytes(StandardCharsets.UTF_8),
				List.copyOf(challenges), 0, null);
	}

	/** A 429 telling the client to come back in {@code seconds}. */
	public static ExporterResponse tooManyRequests(long seconds, String body) {
		return new ExporterResponse(429, TEXT, body.getBytes(StandardCharsets.UTF_8), List.of(), seconds, null);
	}

	/** A 302 to {@code location} (a path on this listener), with Go's short HTML body. */
	public static ExporterResponse found(String location) {
		String body = "<a href=\"" + location + "\">Found</a>.\n\n";
		return new ExporterResponse(302, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), List.of(), 0,
				location);
	}

	public static ExporterResponse text(int status, String body) {
		return new ExporterResponse(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
	}

	/** The response head and body, ready to push. */
	byte[] encode(boolean keepAlive, String allow) {
		StringBuilder head = new StringBuilder(128).append("HTTP/1.1 ")
			.append(this.status)
			.append(' ')
			.append(reason(this.status))
			.append("\r\nContent-Type: ")
			.append(this.contentType)
			.append("\r\nContent-Length: ")
			.append(this.body.length)
			.append("\r\n");
		if (this.location != null) {
			head.append("Location: ").append(this.location).append("\r\n");
		}
		if (allow != null) {
			head.append("Allow: ").append(allow).append("\r\n");
		}
		for (String challenge : this.challenges) {
			head.append("WWW-Authenticate: ").append(challenge).append("\r\n");
		}
		long retryAfter = (this.status == 503 && this.retryAfterSeconds == 0) ? 1 : this.retryAfterSeconds;
		if (retryAfter > 0) {
			head.append("Retry-After: ").append(retryAfter).append("\r\n");
		}
		head.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
		byte[] all = new byte[head.length() + this.body.length];
		for (int i = 0; i < head.length(); i++) {
			char c = head.charAt(i);
			all[i] = (c <= 0xff) ? (byte) c : (byte) '?'; // ISO-8859-1, as String.getBytes would encode it
		}
		System.arraycopy(this.body, 0, all, head.length(), this.body.length);
		return all;
	}

	static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 302 -> "Found";
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 408 -> "Request Timeout";
			case 413 -> "Content Too Large";
			case 429 -> "Too Many Requests";
			case 431 -> "Request Header Fields Too Large";
			case 500 -> "Internal Server Error";
			case 503 -> "Service Unavailable";
			case 505 -> "HTTP Version Not Supported";
			default -> "Status";
		};
	}

}
