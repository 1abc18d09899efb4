package dev.asyncore.http;

import java.io.IOException;

/**
 * Why a fetch failed, as one of a closed set of types, each with a message a user can act on.
 * {@link Fetcher} completes its futures exceptionally with these. Immutable; any thread.
 */
public abstract sealed class FetchException extends IOException {

	private static final long serialVersionUID = 1L;

	FetchException(String message, Throwable cause) {
		super(message, cause);
	}

	/** The URL cannot be fetched as written (syntax, scheme, host spelling, credentials). */
	public static final class InvalidUrl extends FetchException {

		private static final long serialVersionUID = 1L;

		public InvalidUrl(String message) {
			super(message, null);
		}

	}

	/** {@link FetchPolicy} forbids the destination (address class, host, port or scheme). */
	public static final class Refused extends FetchException {

		private static final long serialVersionUID = 1L;

		public Refused(String message) {
			super(message, null);
		}

	}

	/** The host name could not be resolved. */
	public static final class Dns extends FetchException {

		private static final long serialVersionUID = 1L;

		public Dns(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The TCP connection could not be made (refused, unreachable, reset during connect). */
	public static final class Connect extends FetchException {

		private static final long serialVersionUID = 1L;

		public Connect(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The TLS handshake failed: untrusted certificate, wrong host name, no common protocol. */
	public static final class Tls extends FetchException {

		private static final long serialVersionUID = 1L;

		public Tls(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** A time limit ran out; {@link #phase()} says which one. */
	public static final class Timeout extends FetchException {

		private static final long serialVersionUID = 1L;

		private final String phase;

		public Timeout(String phase, String message) {
			super(message, null);
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
			super(message, null);
		}

		public Protocol(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** The response head or body is larger than the policy allows. */
	public static final class TooLarge extends FetchException {

		private static final long serialVersionUID = 1L;

		public TooLarge(String message) {
			super(message, null);
		}

	}

	/** More redirects than the policy allows, or a redirect loop. */
	public static final class TooManyRedirects extends FetchException {

		private static final long serialVersionUID = 1L;

		public TooManyRedirects(String message) {
			super(message, null);
		}

	}

}
