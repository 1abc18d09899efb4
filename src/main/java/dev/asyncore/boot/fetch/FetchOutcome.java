package dev.asyncore.boot.fetch;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;

import org.springframework.http.HttpStatus;

import dev.asyncore.http.FetchException;

/**
 * How a fetch ended, as the service shows it: the {@code outcome} tag of
 * {@code asyncore.fetch.requests}, and for a failure the status, title and type
 * ({@code urn:asyncore:fetch:<outcome>}) of its RFC 9457 problem. The one place that maps a
 * {@link FetchException.Kind} to what users see; a new kind does not compile until it is mapped in
 * {@link #of(Throwable)}. Immutable; any thread.
 */
public enum FetchOutcome {

	/** A response arrived, whatever its status code. */
	SUCCESS(HttpStatus.OK, "OK", true),

	/** 400: the URL cannot be fetched as written. */
	INVALID_URL(HttpStatus.BAD_REQUEST, "Invalid URL", false),

	/** 403: the fetch policy refuses the destination. */
	REFUSED(HttpStatus.FORBIDDEN, "Refused by the fetch policy", false),

	/** 502: the host name did not resolve. */
	DNS(HttpStatus.BAD_GATEWAY, "Upstream error", true),

	/** 502: no TCP connection. */
	CONNECT(HttpStatus.BAD_GATEWAY, "Upstream error", true),

	/** 502: the TLS handshake failed. */
	TLS(HttpStatus.BAD_GATEWAY, "Upstream error", true),

	/** 504: a time limit ran out. */
	TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "Upstream timeout", true),

	/** 502: the reply was not valid HTTP/1.1. */
	PROTOCOL(HttpStatus.BAD_GATEWAY, "Upstream error", true),

	/** 413: the response is over {@code max-body-size}. */
	TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE, "Response too large", true),

	/** 502: too many redirects, or a loop. */
	TOO_MANY_REDIRECTS(HttpStatus.BAD_GATEWAY, "Upstream error", true),

	/** 503: the reactor is not running (the service is starting or stopping). */
	UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase(), false),

	/** 500: anything else, a bug. */
	ERROR(HttpStatus.INTERNAL_SERVER_ERROR, HttpStatus.INTERNAL_SERVER_ERROR.getReasonPhrase(), true);

	private final HttpStatus status;

	private final String title;

	private final boolean sent;

	FetchOutcome(HttpStatus status, String title, boolean sent) {
		this.status = status;
		this.title = title;
		this.sent = sent;
	}

	/** The outcome of a failed fetch. */
	public static FetchOutcome of(Throwable failure) {
		if (failure instanceof FetchException fetch) {
			return switch (fetch.kind()) {
				case INVALID_URL -> INVALID_URL;
				case REFUSED -> REFUSED;
				case DNS -> DNS;
				case CONNECT -> CONNECT;
				case TLS -> TLS;
				case TIMEOUT -> TIMEOUT;
				case PROTOCOL -> PROTOCOL;
				case TOO_LARGE -> TOO_LARGE;
				case TOO_MANY_REDIRECTS -> TOO_MANY_REDIRECTS;
			};
		}
		return (failure instanceof RejectedExecutionException) ? UNAVAILABLE : ERROR;
	}

	/** The {@code outcome} tag: {@code success}, {@code invalid_url}, {@code too_many_redirects}... */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The problem type of this failure, such as {@code urn:asyncore:fetch:refused}. */
	public URI type() {
		return URI.create("urn:asyncore:fetch:" + tag());
	}

	/** The HTTP status that answers this failure. */
	public HttpStatus status() {
		return this.status;
	}

	/** The problem's title. */
	public String title() {
		return this.title;
	}

	/**
	 * Whether a fetch that ended so may have reached the network: refused, invalid and unavailable
	 * fetches did not, and their microseconds are left out of the latency histogram.
	 */
	public boolean sent() {
		return this.sent;
	}

}
