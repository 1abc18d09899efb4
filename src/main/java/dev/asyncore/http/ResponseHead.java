package dev.asyncore.http;

import java.net.http.HttpHeaders;

/**
 * A response's status line and headers, as parsed. Immutable; any thread.
 *
 * @param version {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
 * @param status the three-digit status code
 * @param reason the reason phrase, possibly empty
 * @param headers field names compare case-insensitively; values in arrival order
 */
public record ResponseHead(String version, int status, String reason, HttpHeaders headers) {
}
