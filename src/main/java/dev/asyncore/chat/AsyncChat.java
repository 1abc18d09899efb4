package dev.asyncore.chat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.util.Arrays;

import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Reactor;

/**
 * asynchat's {@code async_chat}: a {@link BufferedDispatcher} that cuts its input at a terminator.
 *
 * <p>Input: {@link #setTerminator(byte[])} (a delimiter of any length), {@link #setTerminator(long)}
 * (a byte count) or {@link #setTerminator(byte[]) setTerminator(null)} (collect everything). Bytes
 * of the current unit go to {@link #collectIncomingData(ByteBuffer)}; at the terminator,
 * {@link #foundTerminator()} runs, and may set the next terminator, which applies at once to the
 * rest of the input already read. The default {@code collectIncomingData} keeps the bytes for
 * {@link #incomingData()}, up to {@link #setMaxIncoming(int)} bytes: beyond that a
 * {@link TooLongFrameException} reaches {@link #handleError(Throwable)} instead of the buffer
 * growing without bound.
 *
 * <p>Output: {@link #push(byte[])} and {@link #pushWithProducer(Producer)} queue data in order, in
 * the one output queue of {@link BufferedDispatcher} (so {@link #send(ByteBuffer) send} and
 * {@link #sendFile sendFile} keep their place among pushes); it is written when the socket is
 * writable, queued until a connection completes (on a socket that never called {@code connect}, a
 * push closes the dispatcher, as in asyncore); {@link #closeWhenDone()} closes after the queue
 * with a lingering close. The queue has no limit of its own beyond the reactor's
 * {@link dev.asyncore.core.MemoryBudget}: producers are the way to send much data, and
 * {@link #pendingBytes()} lets a sender hold back.
 *
 * <p>Loop thread only (or the setting-up thread before the loop runs), as every dispatcher.
 *
 * <pre>{@code
 * class LineEcho extends AsyncChat {
 *     LineEcho(Reactor r, SocketChannel c) { super(r, c); setTerminator("\n".getBytes()); }
 *     protected void foundTerminator() { push(incomingData()); push(new byte[] {'\n'}); }
 * }
 * }</pre>
 */
public class AsyncChat extends BufferedDispatcher {

	/** Default bound of the bytes {@link #collectIncomingData} keeps for one unit. */
	public static final int DEFAULT_MAX_INCOMING = 1024 * 1024;

	private final Framer framer = new Framer(new Framer.Handler() {

		@Override
		public void collectIncomingData(ByteBuffer data) throws IOException {
			AsyncChat.this.collectIncomingData(data);
		}

		@Override
		public void foundTerminator() throws IOException {
			AsyncChat.this.foundTerminator();
			if (isClosed()) {
				AsyncChat.this.framer.discard();
			}
		}

	});

	private int maxIncoming = DEFAULT_MAX_INCOMING;

	private byte[] incoming = new byte[256];

	private int incomingLength;

	public AsyncChat(Reactor reactor) {
		super(reactor);
	}

	public AsyncChat(Reactor reactor, Channel channel) {
		super(reactor, channel);
	}

	// ---------------------------------------------------------------- input

	/**
	 * Sets a delimiter of any length (asynchat's {@code set_terminator(bytes)}); {@code null} collects
	 * everything.
	 */
	public void setTerminator(byte[] delimiter) {
		this.framer.setTerminator((delimiter != null) ? Terminator.delimiter(delimiter) : Terminator.NONE);
	}

	/**
	 * Collects {@code count} bytes, then calls {@link #foundTerminator()}. Zero is false in asynchat
	 * and means no terminator, as {@code setTerminator(null)}.
	 * @throws IllegalArgumentException if {@code count} is negative
	 */
	public void setTerminator(long count) {
		this.framer.setTerminator((count == 0) ? Terminator.NONE : Terminator.length(count));
	}

	/** Sets the terminator as a value; {@code null} means {@link Terminator#NONE}. */
	public void setTerminator(Terminator terminator) {
		this.framer.setTerminator(terminator);
	}

	/** The current terminator; a count reports the bytes still to come. */
	public Terminator getTerminator() {
		return this.framer.terminator();
	}

	/** Bounds what the default {@link #collectIncomingData} keeps for one unit. */
	public void setMaxIncoming(int maxBytes) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("maxIncoming must be positive: " + maxBytes);
		}
		this.maxIncoming = maxBytes;
	}

	/**
	 * Bytes of the current unit. The default keeps them (see {@link #incomingData()}); an override
	 * reads {@code data}'s remaining bytes now and must not keep the buffer.
	 * @throws TooLongFrameException if the unit would exceed {@link #setMaxIncoming(int)}
	 */
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		int n = data.remaining();
		if (n > this.maxIncoming - this.incomingLength) {
			throw new TooLongFrameException("Incoming unit exceeds " + this.maxIncoming + " bytes on " + this);
		}
		if (this.incomingLength + n > this.incoming.length) {
			int size = (int) Math.min((long) this.maxIncoming, Math.max(this.incoming.length * 2L, this.incomingLength + n));
			this.incoming = Arrays.copyOf(this.incoming, size);
		}
		data.get(this.incoming, this.incomingLength, n);
		this.incomingLength += n;
	}

	/** The terminator was reached. The default discards what was collected. */
	protected void foundTerminator() throws IOException {
		this.incomingLength = 0;
	}

	/** What the default {@link #collectIncomingData} kept since the last call (asynchat's {@code _get_data}); resets it. */
	protected byte[] incomingData() {
		byte[] data = Arrays.copyOf(this.incoming, this.incomingLength);
		this.incomingLength = 0;
		return data;
	}

	/** Reads what is available and frames it. */
	@Override
	protected void handleRead() throws IOException {
		ByteBuffer buffer = this.reactor.readBuffer();
		int n = recv(buffer);
		if (n > 0) {
			buffer.flip();
			this.framer.feed(buffer);
		}
	}

	/** Frames {@code data} as if it had been read from the socket; for tests and embedding. */
	protected void feed(ByteBuffer data) throws IOException {
		this.framer.feed(data);
	}

	// ---------------------------------------------------------------- output

	/** Queues {@code data} for sending; the array must not change until written. */
	public void push(byte[] data) {
		push(ByteBuffer.wrap(data));
	}

	/** Queues {@code data}'s remaining bytes; the buffer is owned by the channel until written. */
	public void push(ByteBuffer data) {
		sendOwned(data);
	}

	/** Queues a producer, pulled with {@link Producer#more()} until it is exhausted. */
	public void pushWithProducer(Producer producer) {
		sendProducer(producer::more);
	}

	/** Drops queued input and output, as asynchat's {@code discard_buffers}. */
	public void discardBuffers() {
		this.framer.discard();
		this.incomingLength = 0;
		discardOutput();
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", terminator=").append(this.framer.terminator());
	}

}
