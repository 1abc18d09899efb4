package dev.asyncore.core;

import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.ArrayDeque;

/**
 * asyncore's {@code dispatcher_with_send}: {@link #send(ByteBuffer)} takes every byte, writes what
 * the socket accepts now and queues the rest, which {@link #handleWrite()} drains with gathering
 * writes whenever the socket is writable. {@link #writable()} is true while bytes are queued.
 *
 * <p>The queue has no hard limit of its own: producers bound it by watching {@link #pendingBytes()}
 * (see {@code EchoHandler}, which stops reading above a high-water mark). Unlike asyncore, a peer's
 * end of stream does not drop queued output: {@link #handleClose()} flushes it first unless the
 * connection is broken. Loop thread only.
 */
public class BufferedDispatcher extends Dispatcher {

	/** Smallest queued chunk: small sends coalesce into it instead of one buffer each. */
	private static final int MIN_CHUNK = 8 * 1024;

	private static final int MAX_GATHER = 16;

	private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

	private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];

	private long pending;

	private boolean closeWhenDone;

	public BufferedDispatcher(Reactor reactor) {
		super(reactor);
	}

	public BufferedDispatcher(Reactor reactor, Channel channel) {
		super(reactor, channel);
	}

	/**
	 * Sends all of {@code src}: what the socket does not take now is copied to the queue. Nothing is
	 * written after {@link #close()}.
	 * @return the number of bytes taken, always all of them unless closed
	 */
	@Override
	public int send(ByteBuffer src) {
		int length = src.remaining();
		if (isClosed()) {
			return 0;
		}
		if (this.queue.isEmpty()) {
			super.send(src);
		}
		if (src.hasRemaining() && !isClosed()) {
			enqueue(src);
			updateInterest();
		}
		return length;
	}

	/** Sends {@code bytes} as {@link #send(ByteBuffer)}. */
	public int send(byte[] bytes) {
		return send(ByteBuffer.wrap(bytes));
	}

	private void enqueue(ByteBuffer src) {
		int n = src.remaining();
		this.pending += n;
		ByteBuffer tail = this.queue.peekLast();
		if (tail != null && tail.capacity() - tail.limit() >= n) {
			int position = tail.position();
			int limit = tail.limit();
			tail.limit(limit + n).position(limit);
			tail.put(src);
			tail.position(position);
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(Math.max(n, MIN_CHUNK));
		copy.put(src).flip();
		this.queue.addLast(copy);
	}

	/** Bytes queued and not yet written. */
	public long pendingBytes() {
		return this.pending;
	}

	@Override
	public boolean writable() {
		return this.pending > 0;
	}

	@Override
	protected void handleWrite() {
		initiateSend();
	}

	/** Writes as much of the queue as the socket takes, in one gathering write. */
	protected void initiateSend() {
		while (!this.queue.isEmpty() && !isClosed()) {
			int count = 0;
			for (ByteBuffer buffer : this.queue) {
				this.gather[count++] = buffer;
				if (count == MAX_GATHER) {
					break;
				}
			}
			long written = super.send(this.gather, 0, count);
			java.util.Arrays.fill(this.gather, 0, count, null);
			if (written <= 0) {
				break;
			}
			this.pending -= written;
			while (!this.queue.isEmpty() && !this.queue.peekFirst().hasRemaining()) {
				this.queue.pollFirst();
			}
			if (!this.queue.isEmpty()) {
				break; // the socket is full: wait for writability
			}
		}
		if (this.pending == 0 && this.closeWhenDone && !isClosed()) {
			close();
		}
	}

	/** Closes once the queue is empty (at once if it is). */
	public void closeWhenDone() {
		this.closeWhenDone = true;
		if (this.pending == 0) {
			close();
		}
		else {
			updateInterest();
		}
	}

	/** Whether {@link #closeWhenDone()} was called. */
	public boolean isClosingWhenDone() {
		return this.closeWhenDone;
	}

	/**
	 * The peer went away. If it only ended its output (end of stream) and bytes are still queued,
	 * they are flushed before closing; after a reset or broken pipe, closes at once.
	 */
	@Override
	protected void handleClose() {
		if (!isBroken() && this.pending > 0) {
			closeWhenDone();
		}
		else {
			close();
		}
	}

	@Override
	public void close() {
		super.close();
		this.queue.clear();
		this.pending = 0;
	}

	@Override
	public String toString() {
		String base = super.toString();
		return base.substring(0, base.length() - 1) + ", pending=" + this.pending + ']';
	}

}
