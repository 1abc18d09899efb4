package dev.asyncore.probe;

import java.nio.charset.StandardCharsets;

/**
 * One answer of the exporter. Immutable apart from the body array.
 *
 * @param status the status code
 * @param contentType the Content-Type
 * @param body the body
 */
public record ExporterResponse(int status, String contentType, byte[] body) {

	public static final String TEXT = "text/plain; charset=utf-8";

	public static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";

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
		if (allow != null) {
			head.append("Allow: ").append(allow).append("\r\n");
		}
		if (this.status == 503) {
			head.append("Retry-After: 1\r\n");
		}
		head.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
		byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] all = java.util.Arrays.copyOf(h, h.length + this.body.length);
		System.arraycopy(this.body, 0, all, h.length, this.body.length);
		return all;
	}

	static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 400 -> "Bad Request";
			case 404 -> "Not Found";
			case 405 -> "Method Not Allowed";
			case 413 -> "Content Too Large";
			case 431 -> "Request Header Fields Too Large";
			case 500 -> "Internal Server Error";
			case 503 -> "Service Unavailable";
			case 505 -> "HTTP Version Not Supported";
			default -> "Status";
		};
	}

}
