package dev.asyncore.core;

import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * A byte stream layered over a dispatcher's socket, such as TLS: {@link Dispatcher#send} and
 * {@link Dispatcher#recv} go through it once set with {@link Dispatcher#setTransport}.
 *
 * <p>A layer may need the opposite direction from the one the dispatcher asked for (a TLS handshake
 * reads while the application only wants to write). It says so through {@link #interestOps(int)},
 * and maps the readiness the selector reports back to the hook that should run through
 * {@link #readyOps(int)}. Reads and writes return 0 instead of blocking, like the socket. Loop
 * thread only.
 */
public interface Transport extends ByteChannel, GatheringByteChannel {

	/**
	 * @param wanted the interest derived from {@code readable()} / {@code writable()}
	 * @return the interest to register on the socket
	 */
	default int interestOps(int wanted) {
		return wanted;
	}

	/**
	 * @param ready what the selector reported for the socket
	 * @return which of read/write should be delivered to the dispatcher's hooks
	 */
	default int readyOps(int ready) {
		return ready;
	}

	/**
	 * Whether the layer holds decoded input that the socket will not signal again; the reactor then
	 * delivers a read event on its next pass without waiting.
	 */
	default boolean hasBufferedInput() {
		return false;
	}

	/**
	 * Whether this is the accepting side of a security layer. A TLS failure there
	 * ({@link Disconnects#isTlsFailure}: a peer that cannot complete the handshake) is the peer's
	 * problem: the dispatcher counts it as {@code TLS_HANDSHAKE_FAILED} and closes without calling
	 * {@code handleError}. On the connecting side it stays an error, reported to {@code handleError}.
	 */
	default boolean isServerSide() {
		return false;
	}

}
