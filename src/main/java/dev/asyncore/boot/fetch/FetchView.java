package dev.asyncore.boot.fetch;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.asyncore.http.FetchResult;

/**
 * The JSON of one successful fetch. {@code body}, {@code bodyEncoding} and {@code bodyTruncated}
 * appear only when the body was asked for ({@code body=true}): text as itself when the content type
 * is textual and the bytes are UTF-8, otherwise base64; at most {@code asyncore.fetch.max-inline-body}
 * bytes (a cut that splits a UTF-8 character makes it base64). Immutable.
 *
 * @param requestedUrl the URL as requested
 * @param url the final URL, after redirects
 * @param status the final status code
 * @param reason its reason phrase (empty over HTTP/2)
 * @param version the final response's protocol: {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0}
 * @param headers the final response's headers
 * @param bodySize body bytes received
 * @param sha256 hex SHA-256 of the whole body
 * @param redirects the URLs that redirected, in order
 * @param timings phase durations in milliseconds
 * @param remoteAddress the address the final response came from
 * @param certificateNotAfter for https, when the server certificate expires (ISO-8601)
 * @param body the body (text or base64), if asked for
 * @param bodyEncoding {@code text} or {@code base64}, if the body was asked for
 * @param bodyTruncated whether {@code body} was cut at the inline cap, if the body was asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FetchView(String requestedUrl, String url, int status, String reason, String version,
		Map<String, List<String>> headers, long bodySize, String sha256, List<String> redirects, Timings timings,
		String remoteAddress, String certificateNotAfter, String body, String bodyEncoding, Boolean bodyTruncated) {

	/** The view of {@code fetched}, with its kept body bytes if there are any. */
	public static FetchView of(String requestedUrl, FetchService.Fetched fetched) {
		FetchResult result = fetched.result();
		String body = null;
		String encoding = null;
		Boolean truncated = null;
		if (fetched.body() != null) {
			truncated = fetched.truncated();
			String text = textual(result) ? utf8(fetched.body()) : null;
			encoding = (text != null) ? "text" : "base64";
			body = (text != null) ? text : Base64.getEncoder().encodeToString(fetched.body());
		}
		return new FetchView(requestedUrl, result.uri().toString(), result.status(), result.reason(),
				result.version(), result.headers().map(), result.bodySize(), result.sha256(),
				result.redirects().stream().map(URI::toString).toList(), Timings.of(result.timings()),
				(result.remoteAddress() != null) ? result.remoteAddress().toString() : null,
				(result.certificateNotAfter() != null) ? result.certificateNotAfter().toString() : null, body, encoding,
				truncated);
	}

	private static boolean textual(FetchResult result) {
		String type = result.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
		return type.startsWith("text/") || type.contains("json") || type.contains("xml")
				|| type.contains("javascript") || type.contains("x-www-form-urlencoded");
	}

	/** The bytes as UTF-8 text, or {@code null} if they are not (a cut may split a character). */
	private static String utf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null; // not UTF-8: the caller falls back to base64
		}
	}

	/**
	 * Phase durations of the final hop, in milliseconds; 0 for phases it skipped.
	 *
	 * @param dnsMs name resolution
	 * @param connectMs TCP connection
	 * @param tlsMs TLS handshake
	 * @param firstByteMs request sent to first response byte
	 * @param totalMs the whole fetch, redirects included
	 */
	public record Timings(double dnsMs, double connectMs, double tlsMs, double firstByteMs, double totalMs) {

		/** The timings of {@code t} in milliseconds. */
		public static Timings of(FetchResult.Timings t) {
			return new Timings(ms(t.dns()), ms(t.connect()), ms(t.tls()), ms(t.firstByte()), ms(t.total()));
		}

		private static double ms(Duration d) {
			return d.toNanos() / 1_000_000.0;
		}

	}

}
