package dev.asyncore.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * asyncore's {@code dispatcher_with_send}: {@link #send(ByteBuffer)} takes every byte, writes what
 * the socket accepts now and queues the rest, which {@link #handleWrite()} drains with gathering
 * writes whenever the socket is writable. {@link #writable()} is true while anything is queued.
 * {@link #sendFile} queues a region of a file, sent without copying through user space.
 *
 * <p>Sending before the connection completes (after {@link #connect}) queues the bytes, as asyncore
 * does; they go out once connected. Sending on a stream socket that never called {@code connect} closes
 * the dispatcher, as asyncore's {@code ENOTCONN} does (see {@link #send(ByteBuffer)}): no bytes wait
 * for a connection that will never come. The queue is the one {@code AsyncChat} uses too, with one
 * close-when-done: {@link #closeWhenDone()} closes with a {@link #lingerClose lingering close} once
 * everything queued is written. Unlike asyncore, a peer's end of stream does not drop queued
 * output: {@link #handleClose()} flushes it first unless the connection is broken.
 *
 * <h2>Memory</h2>
 * What the queue holds counts against the reactor's {@link MemoryBudget}: {@link #readable()} is
 * false while the budget holds this connection back, so a subclass that overrides it should
 * {@code &&} it with {@code super.readable()}. Producers bound their own queue by watching
 * {@link #pendingBytes()} (see {@code EchoHandler}, which stops reading above a high-water mark).
 * Loop thread only.
 */
public class BufferedDispatcher extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(BufferedDispatcher.class);

	/** How long a closing connection waits for its peer's FIN before it closes anyway. */
	public static final Duration LINGER = Duration.ofSeconds(2);

	/** Created on first use: an idle connection holds no queue at all. */
	private OutputQueue queue;

	public BufferedDispatcher(Reactor reactor) {
		super(reactor);
	}

	public BufferedDispatcher(Reactor reactor, Channel channel) {
		super(reactor, channel);
	}

	/**
	 * Sends all of {@code src}: what the socket does not take now (all of it before the connection
	 * completes, or behind output already queued) is copied to the queue. Nothing is sent after
	 * {@link #close()}. On a stream socket that never called {@link #connect} nothing is taken and
	 * {@link #handleClose()} runs, whose default closes: asyncore's {@code send} fails there with
	 * {@code ENOTCONN}, one of its disconnect errors, and closes the same way ({@code sendFile},
	 * {@code push} and producers too).
	 * @return the number of bytes taken: all of them, or 0 if closed or never connected
	 */
	@Override
	public int send(ByteBuffer src) {
		int length = src.remaining();
		if (isClosed() || closeIfNeverConnected()) {
			return 0;
		}
		if ((this.queue == null || this.queue.isEmpty()) && isConnected()) {
			super.send(src);
		}
		if (src.hasRemaining() && !isClosed()) {
			queue().addCopy(src);
			updateInterest();
		}
		return length;
	}

	/** Sends {@code bytes} as {@link #send(ByteBuffer)}. */
	public int send(byte[] bytes) {
		return send(ByteBuffer.wrap(bytes));
	}

	/**
	 * Queues {@code count} bytes of {@code file} from {@code position}, sent after what is queued
	 * before them. On a plain socket they go from the page cache to the socket with
	 * {@link FileChannel#transferTo} (no copy through the JVM, no memory charged); under a
	 * {@link Transport} such as TLS, one 64 KiB chunk at a time is read and written through it. The
	 * file must stay open and at least that long until sent; the caller closes it (after
	 * {@link #close()}, or once {@link #pendingBytes()} is 0). A read from the file is a short
	 * blocking call on the loop thread, as in {@code FileDispatcher}.
	 * @throws IllegalArgumentException if the region is negative
	 */
	public void sendFile(FileChannel file, long position, long count) {
		if (position < 0 || count < 0) {
			throw new IllegalArgumentException("position and count must not be negative: " + position + ", " + count);
		}
		if (isClosed() || count == 0 || closeIfNeverConnected()) {
			return;
		}
		queue().addFile(file, position, count);
		initiateSend();
	}

	/** Queues {@code data} itself, not a copy: it belongs to the queue until written. */
	protected void sendOwned(ByteBuffer data) {
		if (isClosed() || !data.hasRemaining() || closeIfNeverConnected()) {
			return;
		}
		queue().addOwned(data);
		initiateSend();
	}

	/**
	 * Queues a producer, asked for its next buffer (owned by the queue until written) only when it
	 * reaches the head of the queue and the socket can take more; {@code null} or an empty buffer
	 * ends it.
	 */
	protected void sendProducer(Supplier<ByteBuffer> producer) {
		if (isClosed() || closeIfNeverConnected()) {
			return;
		}
		queue().addProducer(producer);
		initiateSend();
	}

	/**
	 * Output on a stream socket that never called {@code connect} (or whose connect failed) can never
	 * go out: asyncore's {@code send} fails with {@code ENOTCONN}, a disconnect, and runs
	 * {@code handle_close}. So does this; without it the bytes would wait in the queue and
	 * {@code loop()} would never return.
	 * @return whether the socket was such a one (and {@link #handleClose()} ran)
	 */
	private boolean closeIfNeverConnected() {
		if (lifecycle() != Lifecycle.NEW || !(channel() instanceof SocketChannel)) {
			return false;
		}
		logger.warn("{}: output on a socket that is not connected (connect() was not called, or failed); closing", this);
		EventDelivery.deliverClose(this);
		return true;
	}

	/** The output queue, or {@code null} before anything was queued; for the memory budget's sweep. */
	OutputQueue existingQueue() {
		return this.queue;
	}

	/** The output queue, created on first use. */
	private OutputQueue queue() {
		if (this.queue == null) {
			this.queue = new OutputQueue(this);
		}
		return this.queue;
	}

	/**
	 * Reads straight onto the end of the output queue, for a dispatcher that sends on what it reads
	 * unchanged (an echo): the bytes land once, in a pooled direct chunk that the next gathering write
	 * takes them from, with no copy in between. The read goes into the room left in the last chunk, or
	 * into a fresh one. Netty's read loop is the model: call it from {@link #handleRead()} while
	 * {@link #queueTailHasRoom()} is false (each read filled its room, so more may be waiting) and
	 * {@link #readable()} holds, then {@link #initiateSend()} once for the event. The loop recomputes
	 * interest after the hook; from elsewhere, call {@link #updateInterest()}.
	 * @return what {@link #recv} returns: bytes read, 0 if none were waiting (or the memory budget
	 * holds reading back), -1 at end of stream
	 */
	protected int recvToQueue() {
		if (isClosed()) {
			return -1;
		}
		OutputQueue output = queue();
		if (!output.mayRead()) {
			return 0; // the memory budget holds reading back; readable() says so too
		}
		ByteBuffer tail = output.tailWithRoom();
		if (tail != null) {
			// a view of the room: hooks that run inside recv (handleClose at end of stream) see the tail whole
			ByteBuffer room = tail.duplicate().limit(tail.capacity()).position(tail.limit());
			int n = recv(room);
			if (n > 0 && !isClosed()) {
				output.grewTail(tail, n);
			}
			return n;
		}
		ByteBuffer chunk = output.acquireChunk();
		int n = recv(chunk);
		output.addReadChunk(chunk, isClosed() ? 0 : n);
		return n;
	}

	/**
	 * Whether the last chunk of the queue has room left. Right after a {@link #recvToQueue()} that
	 * read something, room left means the read was short: the socket had nothing more.
	 */
	protected boolean queueTailHasRoom() {
		return this.queue != null && this.queue.tailWithRoom() != null;
	}

	/** Bytes queued and not yet written, file regions included (not what producers will still give). */
	public long pendingBytes() {
		return (this.queue != null) ? this.queue.pending() : 0;
	}

	/** True unless the reactor's {@link MemoryBudget} holds this connection's reading back. */
	@Override
	public boolean readable() {
		return this.queue == null || this.queue.mayRead();
	}

	@Override
	public boolean writable() {
		return this.queue != null && !this.queue.isEmpty();
	}

	@Override
	protected void handleWrite() {
		initiateSend();
	}

	/**
	 * Writes as much of the queue as the socket takes; before the connection completes, waits for
	 * it. Then closes if {@link #closeWhenDone()} asked for it and the queue is empty.
	 */
	protected void initiateSend() {
		if (this.queue == null || isClosed()) {
			return;
		}
		if (!isConnected()) {
			updateInterest();
			return;
		}
		if (this.queue.flush() && this.queue.isClosingWhenDone() && !isClosed()) {
			lingerClose(LINGER);
			return;
		}
		updateInterest();
	}

	/**
	 * Closes once everything queued is written (at once if nothing is), with a
	 * {@link #lingerClose lingering close} so that the peer receives every byte even if it is still
	 * sending. This is the close-when-done of both {@code dispatcher_with_send} and asynchat: asynchat
	 * calls {@code handle_close()} at that point, which would run a subclass's reaction to its peer
	 * going away although the peer did not; here {@link #handleClose()} stays that reaction only.
	 * Bytes sent after this call still go out before the close.
	 */
	public void closeWhenDone() {
		if (isClosed()) {
			return;
		}
		queue().closeWhenDone();
		if (this.queue.isEmpty()) {
			lingerClose(LINGER);
		}
		else {
			initiateSend();
		}
	}

	/** Whether {@link #closeWhenDone()} was called. */
	public boolean isClosingWhenDone() {
		return this.queue != null && this.queue.isClosingWhenDone();
	}

	/** Drops everything queued, unsent (asynchat's {@code discard_buffers} for output). */
	protected void discardOutput() {
		if (this.queue != null) {
			this.queue.clear();
		}
		updateInterest();
	}

	/**
	 * The peer went away. If it only ended its output (end of stream) and bytes are still queued,
	 * they are flushed before closing; after a reset or broken pipe, closes at once.
	 */
	@Override
	protected void handleClose() {
		if (!isBroken() && writable()) {
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
			this.queue.clear();
		}
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", pending=").append(pendingBytes());
	}

	// ---------------------------------------------------------------- the queue's side

	/** A plain write, past the queue. */
	final int write(ByteBuffer src) {
		return super.send(src);
	}

	/** A gathering write of the first {@code count} buffers, past the queue. */
	final long write(ByteBuffer[] srcs, int count) {
		return super.send(srcs, 0, count);
	}

	/** A write failure outside {@code send}: a disconnect closes, anything else is thrown. */
	final void failedWrite(IOException ex) {
		EventDelivery.verbFailed(this, ex);
	}

}
