package dev.asyncore.http;

import java.io.IOException;
import java.util.Locale;

/**
 * Why a fetch failed, as one of a closed set of types, each with a message a user can act on, and
 * its {@link #kind()} to switch on. {@link Fetcher} completes its futures exceptionally with these.
 * Immutable; any thread.
 */
public abstract sealed class FetchException extends IOException {

	private static final long serialVersionUID = 1L;

	private final Kind kind;

	FetchException(Kind kind, String message, Throwable cause) {
		super(message, cause);
		this.kind = kind;
	}

	/** Which of the closed set this failure is: one constant per subclass. */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The kinds of fetch failure, one per subclass, so that callers map a failure with an exhaustive
	 * {@code switch} rather than by its class name.
	 */
	public enum Kind {

		/** {@link InvalidUrl}. */
		INVALID_URL,

		/** {@link Refused}. */
		REFUSED,

		/** {@link Dns}. */
		DNS,

		/** {@link Connect}. */
		CONNECT,

		/** {@link Tls}. */
		TLS,

		/** {@link Timeout}. */
		TIMEOUT,

		/** {@link Protocol}. */
		PROTOCOL,

		/** {@link TooLarge}. */
		TOO_LARGE,

		/** {@link TooManyRedirects}. */
		TOO_MANY_REDIRECTS;

		/**
		 * The kind as a stable lower-case word ({@code invalid_url}, {@code too_many_redirects}...): how
		 * messages, metric tags and problem types name it.
		 */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** The URL cannot be fetched as written (syntax, scheme, host spelling, credentials). */
	public static final class InvalidUrl extends FetchException {

		private static final long serialVersionUID = 1L;

		public InvalidUrl(String message) {
			super(Kind.INVALID_URL, message, null);
		}

	}

	/** {@link FetchPolicy} forbids the destination (address class, host, port or scheme). */
	public static final class Refused extends FetchException {

		private static final long serialVersionUID = 1L;

		public Refused(String message) {
			super(Kind.REFUSED, message, null);
		}

	}

	/** The host name could not be resolved. */
	public static final class Dns extends FetchException {

		private static final long serialVersionUID = 1L;

		public Dns(String message, Throwable cause) {
			super(Kind.DNS, message, cause);
		}

	}

	/** The TCP connection could not be made (refused, unreachable, reset during connect). */
	public static final class Connect extends FetchException {

		private static final long serialVersionUID = 1L;

		public Connect(String message, Throwable cause) {
			super(Kind.CONNECT, message, cause);
		}

	}

	/** The TLS handshake failed: untrusted certificate, wrong host name, no common protocol. */
	public static final class Tls extends FetchException {

		private static final long serialVersionUID = 1L;

		public Tls(String message, Throwable cause) {
			super(Kind.TLS, message, cause);
		}

	}

	/** A time limit ran out; {@link #phase()} says which one. */
	public static final class Timeout extends FetchException {

		private static final long serialVersionUID = 1L;

		private final String phase;

		public Timeout(String phase, String message) {
			super(Kind.TIMEOUT, message, null);
			this.phase = phase;
		}

		/** {@code connect}, {@code read} or {@code total}. */
		public String phase() {
			return this.phase;
		}

	}

	/** The server's reply is not valid HTTP/1.1, or the connection ended in the middle of it. */
	public static final class Protocol extends FetchException {

		private static final long serialVersionUID = 1L;

		public Protocol(String message) {
			super(Kind.PROTOCOL, message, null);
		}

		public Protocol(String message, Throwable cause) {
			super(Kind.PROTOCOL, message, cause);
		}

	}

	/** The response head or body is larger than the policy allows. */
	public static final class TooLarge extends FetchException {

		private static final long serialVersionUID = 1L;

		public TooLarge(String message) {
			super(Kind.TOO_LARGE, message, null);
		}

	}

	/** More redirects than the policy allows, or a redirect loop. */
	public static final class TooManyRedirects extends FetchException {

		private static final long serialVersionUID = 1L;

		public TooManyRedirects(String message) {
			super(Kind.TOO_MANY_REDIRECTS, message, null);
		}

	}

}
