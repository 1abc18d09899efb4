package dev.asyncore.echo;

import java.nio.channels.SocketChannel;

import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Reactor;

/**
 * Echoes every byte it reads back to its peer, as the seed's {@code EchoHandler}.
 *
 * <p>Backpressure: it stops reading while more than {@code highWaterMark} bytes wait to be written,
 * so a peer that sends but never reads cannot grow the server's memory past the mark plus one read.
 * On a half-close (the peer's {@code shutdownOutput}) it writes back everything received, then
 * closes. The reactor's {@link dev.asyncore.core.MemoryBudget} bounds all connections together: when
 * it is tight, the largest queues stop reading first. Loop thread only.
 */
public class EchoHandler extends BufferedDispatcher {

	/** Default bound on unsent output before reading pauses. */
	public static final int DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

	private final long highWaterMark;

	public EchoHandler(Reactor reactor, SocketChannel channel) {
		this(reactor, channel, DEFAULT_HIGH_WATER_MARK);
	}

	public EchoHandler(Reactor reactor, SocketChannel channel, long highWaterMark) {
		super(reactor, channel);
		this.highWaterMark = highWaterMark;
	}

	@Override
	public boolean readable() {
		// the budget first: when it is tight, a connection it refuses is registered to be resumed
		return super.readable() && pendingBytes() < this.highWaterMark && !isClosingWhenDone();
	}

	/** Reads of one event at most, as Netty's default: a busy stream needs fewer passes through the selector. */
	private static final int MAX_READS_PER_EVENT = 16;

	/**
	 * Netty's read loop: reads straight into the output queue (no copy) while each read fills the room
	 * it was given and the high-water mark allows, then writes everything read in one gathering write,
	 * unless earlier output was already waiting for the socket to drain: then the write event sends it.
	 */
	@Override
	protected void handleRead() {
		boolean waitingForSocket = pendingBytes() > 0;
		for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
			int n = recvToQueue();
			if (n <= 0 || isClosed() || queueTailHasRoom() || !readable()) {
				break;
			}
		}
		if (!waitingForSocket && !isClosed()) {
			initiateSend();
		}
	}

	/** The write high-water mark in bytes. */
	public long highWaterMark() {
		return this.highWaterMark;
	}

}
