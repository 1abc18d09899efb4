package dev.asyncore.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a successful fetch (any status code counts as success; failures are
 * {@link FetchException}s). Immutable apart from the body array, which the caller owns; any thread.
 *
 * @param uri the URL of the final response, after redirects
 * @param status its status code
 * @param reason its reason phrase
 * @param headers its headers
 * @param body the body when kept in memory; empty when streamed to a {@link BodySink} or for HEAD
 * @param bodySize body bytes received (after de-chunking)
 * @param sha256 lower-case hex SHA-256 of the body
 * @param redirects the URLs that redirected, in order (the first is the requested one)
 * @param timings durations of the final hop's phases and of the whole fetch
 * @param remoteAddress the address the final response came from
 * @param reusedConnection whether the final hop ran on a pooled keep-alive connection
 * @param certificateNotAfter for https, when the server's (leaf) certificate expires; {@code null}
 * for http
 * @param version the protocol of the final response: {@code HTTP/1.1}, {@code HTTP/1.0}, or {@code HTTP/2.0} when ALPN chose h2
 */
public record FetchResult(URI uri, int status, String reason, HttpHeaders headers, byte[] body, long bodySize,
		String sha256, List<URI> redirects, Timings timings, InetSocketAddress remoteAddress,
		boolean reusedConnection, Instant certificateNotAfter, String version) {

	public FetchResult {
		redirects = List.copyOf(redirects);
	}

	/**
	 * Durations of the phases of the final hop; zero for phases it skipped (DNS for an IP literal
	 * or a reused connection, TLS for http).
	 *
	 * @param dns name resolution
	 * @param connect TCP connection
	 * @param tls TLS handshake (until the request could be written)
	 * @param firstByte from the request's start of writing to the first response byte
	 * @param total the whole fetch, redirects included
	 */
	public record Timings(Duration dns, Duration connect, Duration tls, Duration firstByte, Duration total) {
	}

}
