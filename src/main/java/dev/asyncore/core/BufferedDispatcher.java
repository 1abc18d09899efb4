package dev.asyncore.core;

import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;

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

	/** Smallest heap chunk: small sends coalesce into it instead of one buffer each. */
	private static final int MIN_HEAP_CHUNK = 1024;

	/** How long a closing connection waits for its peer's FIN before it closes anyway. */
	public static final Duration LINGER = Duration.ofSeconds(2);

	/** From this size on, queued bytes go to pooled direct chunks instead of the heap. */
	private static final int DIRECT_THRESHOLD = 4 * 1024;

	/** Created on first use: an idle connection holds no queue at all. */
	private ArrayDeque<ByteBuffer> queue;

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
		if (this.pending == 0) {
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

	/** The output queue, created on first use. */
	private ArrayDeque<ByteBuffer> queue() {
		if (this.queue == null) {
			this.queue = new ArrayDeque<>(4);
		}
		return this.queue;
	}

	private void enqueue(ByteBuffer src) {
		this.pending += src.remaining();
		ByteBuffer tail = queue().peekLast();
		if (tail != null && tail.capacity() > tail.limit()) {
			appendTo(tail, src);
		}
		if (!src.hasRemaining()) {
			return;
		}
		if (src.remaining() < DIRECT_THRESHOLD) {
			ByteBuffer copy = ByteBuffer.allocate(Math.max(src.remaining(), MIN_HEAP_CHUNK));
			copy.put(src).flip();
			this.queue.addLast(copy);
			return;
		}
		ChunkPool pool = this.reactor.chunkPool();
		while (src.hasRemaining()) {
			ByteBuffer chunk = pool.acquire().limit(0);
			appendTo(chunk, src);
			this.queue.addLast(chunk);
		}
	}

	/** Copies as much of {@code src} as fits after the readable bytes of {@code buffer}. */
	private static void appendTo(ByteBuffer buffer, ByteBuffer src) {
		int n = Math.min(src.remaining(), buffer.capacity() - buffer.limit());
		int position = buffer.position();
		int limit = buffer.limit();
		buffer.limit(limit + n).position(limit);
		buffer.put(src.slice(src.position(), n));
		src.position(src.position() + n);
		buffer.position(position);
	}

	/**
	 * Reads straight onto the end of the output queue, for a dispatcher that sends on what it reads
	 * unchanged (an echo): the bytes land once, in a pooled direct chunk that the next gathering write
	 * takes them from, with no copy in between. The read goes into the room left in the last chunk, or
	 * into a fresh one. Netty's read loop is the model: call it from {@link #handleRead()} while
	 * {@link #queueTailHasRoom()} is false (each read filled its room, so more may be waiting), then
	 * {@link #initiateSend()} once for the event. The loop recomputes interest after the hook; from
	 * elsewhere, call {@link #updateInterest()}.
	 * @return what {@link #recv} returns: bytes read, 0 if none were waiting, -1 at end of stream
	 */
	protected int recvToQueue() {
		if (isClosed()) {
			return -1;
		}
		if (queueTailHasRoom()) {
			ByteBuffer tail = this.queue.peekLast();
			// a view of the room: hooks that run inside recv (handleClose at end of stream) see the tail whole
			ByteBuffer room = tail.duplicate().limit(tail.capacity()).position(tail.limit());
			int n = recv(room);
			if (n > 0 && !isClosed()) {
				tail.limit(tail.limit() + n);
				this.pending += n;
			}
			return n;
		}
		ByteBuffer chunk = this.reactor.chunkPool().acquire();
		int n = recv(chunk);
		if (n > 0 && !isClosed()) {
			queue().addLast(chunk.flip());
			this.pending += n;
		}
		else {
			this.reactor.chunkPool().release(chunk);
		}
		return n;
	}

	/**
	 * Whether the last chunk of the queue has room left. Right after a {@link #recvToQueue()} that
	 * read something, room left means the read was short: the socket had nothing more.
	 */
	protected boolean queueTailHasRoom() {
		ByteBuffer tail = (this.queue != null) ? this.queue.peekLast() : null;
		return tail != null && tail.isDirect() && tail.capacity() == ChunkPool.CHUNK && tail.limit() < tail.capacity();
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
		ByteBuffer[] gather = this.reactor.gatherArray();
		while (this.pending > 0 && !isClosed()) {
			int count = 0;
			for (ByteBuffer buffer : this.queue) {
				gather[count++] = buffer;
				if (count == gather.length) {
					break;
				}
			}
			// one buffer (the common case of a small exchange) takes a plain write, cheaper than writev
			long written = (count == 1) ? super.send(gather[0]) : super.send(gather, 0, count);
			Arrays.fill(gather, 0, count, null);
			if (written <= 0 || isClosed()) {
				break;
			}
			this.pending -= written;
			while (!this.queue.isEmpty() && !this.queue.peekFirst().hasRemaining()) {
				this.reactor.chunkPool().release(this.queue.pollFirst());
			}
			if (this.pending > 0) {
				break; // the socket is full: wait for writability
			}
		}
		if (this.pending == 0 && this.closeWhenDone && !isClosed()) {
			lingerClose(LINGER);
		}
	}

	/**
	 * Closes once the queue is empty (at once if it is), with a {@link #lingerClose lingering close}
	 * so that the peer receives every queued byte even if it is still sending.
	 */
	public void closeWhenDone() {
		this.closeWhenDone = true;
		if (this.pending == 0) {
			lingerClose(LINGER);
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
		if (this.queue != null) {
			for (ByteBuffer buffer : this.queue) {
				this.reactor.chunkPool().release(buffer);
			}
			this.queue.clear();
		}
		this.pending = 0;
	}

	@Override
	public String toString() {
		String base = super.toString();
		return base.substring(0, base.length() - 1) + ", pending=" + this.pending + ']';
	}

}
