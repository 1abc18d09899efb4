package dev.asyncore.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLException;

/**
 * The one place that decides whether an I/O failure means "the peer went away".
 *
 * <p>asyncore keeps a set of errno values ({@code ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED,
 * EPIPE, EBADF}) that lead to {@code handle_close} instead of {@code handle_error}. Java does not
 * expose errno, so the JDK's messages for those conditions are matched instead, as Netty does.
 * Anything not listed here is an error and reaches {@link Dispatcher#handleError(Throwable)}.
 */
public final class Disconnects {

	private static final Set<String> MESSAGES = Set.of("connection reset", "connection reset by peer",
			"broken pipe", "connection aborted", "software caused connection abort",
			"an established connection was aborted by the software in your host machine",
			"an existing connection was forcibly closed by the remote host", "socket is not connected",
			"transport endpoint is not connected", "cannot send after transport endpoint shutdown",
			"bad file descriptor", "socket closed");

	private Disconnects() {
	}

	/**
	 * Whether {@code failure} (or one of its causes) is a TLS failure: a handshake the peer could not
	 * complete (an old protocol, no common cipher, plain text sent to a TLS port, a bad
	 * certificate), or a record that does not decrypt. On an accepted connection
	 * ({@link Transport#isServerSide}) it is closed and counted as {@code TLS_HANDSHAKE_FAILED}, not
	 * an error: on a public port, scanners cause them all day.
	 * @param failure what a channel operation threw
	 * @return {@code true} if an {@link SSLException} is in the cause chain
	 */
	public static boolean isTlsFailure(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof SSLException) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

	/**
	 * Whether {@code failure} (or one of its causes) says the connection is gone rather than broken.
	 * @param failure what a channel operation threw
	 * @return {@code true} for EOF, reset, broken pipe, aborted or closed channels
	 */
	public static boolean isDisconnect(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof ClosedChannelException || t instanceof AsynchronousCloseException
					|| t instanceof EOFException) {
				return true;
			}
			if (t instanceof IOException && t.getMessage() != null
					&& MESSAGES.contains(t.getMessage().toLowerCase(Locale.ROOT).strip())) {
				return true;
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return false;
	}

}
