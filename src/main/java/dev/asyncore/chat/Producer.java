package dev.asyncore.chat;

import java.nio.ByteBuffer;

/**
 * asynchat's producer: a source of output that {@link AsyncChat} pulls from only when the socket
 * can take more, so that large output need not be held in memory at once. Called on the loop
 * thread only.
 */
@FunctionalInterface
public interface Producer {

	/**
	 * The next piece of output. The returned buffer is owned by the channel until written.
	 * @return bytes to send, or {@code null} or an empty buffer when the producer is exhausted
	 */
	ByteBuffer more();

}
