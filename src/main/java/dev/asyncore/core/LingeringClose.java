package dev.asyncore.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The lingering close (Apache httpd's term): send FIN after everything written, read and drop the
 * peer's late input until it closes too or a timeout passes, then close. Closing a socket that still
 * has unread input makes the kernel send a reset, which can destroy data the peer has not read yet.
 * No hook runs meanwhile. Loop thread only.
 */
final class LingeringClose {

	/** Reads of a lingering connection's late input per event, 64 KiB each. */
	private static final int MAX_DISCARDS_PER_EVENT = 8;

	private LingeringClose() {
	}

	/**
	 * Starts lingering; a connection that is not a plain connected TCP socket (a file, TLS, one already
	 * at end of stream or broken) closes at once.
	 */
	static void start(Dispatcher d, Duration timeout) {
		if (d.isClosed()) {
			return;
		}
		if (!(d.channel() instanceof SocketChannel socket) || d.lifecycle() != Lifecycle.CONNECTED
				|| d.transport() != null) {
			d.close();
			return;
		}
		try {
			socket.shutdownOutput();
		}
		catch (IOException ex) {
			d.close();
			return;
		}
		d.setLifecycle(Lifecycle.LINGERING);
		d.reactor().schedule(timeout, d::close);
		d.updateInterest();
	}

	/** Late input arrived (or the peer closed): drop it, close at end of stream. */
	static void discardInput(Dispatcher d) {
		ByteBuffer buffer = d.reactor().readBuffer();
		try {
			// A bounded number of reads per event: a peer that keeps sending must not hold the loop
			// (readiness is level-triggered, so the rest is read on later passes).
			for (int i = 0; i < MAX_DISCARDS_PER_EVENT; i++) {
				int n = ((ReadableByteChannel) d.channel()).read(buffer.clear());
				if (n < 0) {
					d.close();
				}
				if (n <= 0) {
					return;
				}
			}
		}
		catch (IOException ex) {
			d.close();
		}
	}

}
