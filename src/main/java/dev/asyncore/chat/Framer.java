package dev.asyncore.chat;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * asynchat's framing loop without a socket: bytes fed in chunks are cut at the current
 * {@link Terminator} and handed to a {@link Handler}. {@link AsyncChat} runs one over its socket;
 * tests and parsers can drive one directly (Netty style: framing testable without sockets).
 *
 * <p>A terminator changed inside {@link Handler#foundTerminator()} applies at once to the rest of
 * the chunk. A delimiter split across chunks is found: a partial delimiter at the end of a chunk is
 * held back (at most delimiter length - 1 bytes). When a {@link Terminator.Length} runs out the
 * terminator becomes {@link Terminator#NONE} before {@code foundTerminator} runs, so a handler
 * that sets nothing new collects the rest instead of looping.
 *
 * <p>Not thread-safe: one thread (the loop thread) feeds it. Allocates nothing per chunk unless a
 * partial delimiter was held back.
 */
public final class Framer {

	/** Receives the framed input. */
	public interface Handler {

		/**
		 * Bytes of the current unit: the handler reads {@code data}'s remaining bytes now and must
		 * not keep the buffer, which is reused.
		 */
		void collectIncomingData(ByteBuffer data) throws IOException;

		/** The current terminator was reached. */
		void foundTerminator() throws IOException;

	}

	private final Handler handler;

	private Terminator terminator = Terminator.NONE;

	private long remaining;

	private byte[] held = new byte[0];

	private int heldLength;

	private ByteBuffer scratch = ByteBuffer.allocate(0);

	private int generation;

	public Framer(Handler handler) {
		this.handler = handler;
	}

	/**
	 * Sets what ends the next unit; {@code null} means {@link Terminator#NONE}.
	 */
	public void setTerminator(Terminator terminator) {
		this.terminator = (terminator != null) ? terminator : Terminator.NONE;
		if (this.terminator instanceof Terminator.Length length) {
			this.remaining = length.count();
		}
	}

	/** The current terminator; a length terminator reports the count still to come. */
	public Terminator terminator() {
		if (this.terminator instanceof Terminator.Length) {
			return new Terminator.Length(this.remaining);
		}
		return this.terminator;
	}

	/** Bytes held back as a possible start of the delimiter. */
	public int heldBytes() {
		return this.heldLength;
	}

	/** Drops held-back bytes; a {@link #feed} in progress stops after the current callback. */
	public void discard() {
		this.heldLength = 0;
		this.generation++;
	}

	/**
	 * Frames {@code data}, consuming all of it (held-back bytes included).
	 * @throws IOException whatever the handler throws; framing stops there
	 */
	public void feed(ByteBuffer data) throws IOException {
		ByteBuffer in = data;
		if (this.heldLength > 0) {
			in = prependHeld(data);
		}
		int startGeneration = this.generation;
		while (in.hasRemaining() && this.generation == startGeneration) {
			Terminator current = this.terminator;
			if (current instanceof Terminator.Length) {
				feedCount(in);
			}
			else if (current instanceof Terminator.Delimiter delimiter) {
				if (!feedDelimiter(in, delimiter)) {
					break;
				}
			}
			else {
				deliver(in, in.remaining());
			}
		}
		in.position(in.limit());
	}

	private void feedCount(ByteBuffer in) throws IOException {
		int available = in.remaining();
		if (available < this.remaining) {
			this.remaining -= available;
			deliver(in, available);
			return;
		}
		int n = (int) this.remaining;
		this.remaining = 0;
		this.terminator = Terminator.NONE;
		deliver(in, n);
		this.handler.foundTerminator();
	}

	/** @return whether framing goes on with the rest of {@code in} */
	private boolean feedDelimiter(ByteBuffer in, Terminator.Delimiter delimiter) throws IOException {
		int start = in.position();
		int limit = in.limit();
		int length = delimiter.length();
		int index = indexOf(in, start, limit, delimiter);
		if (index >= 0) {
			deliver(in, index - start);
			in.position(index + length);
			this.handler.foundTerminator();
			return true;
		}
		int partial = prefixAtEnd(in, start, limit, delimiter);
		if (limit - partial > start) {
			deliver(in, limit - partial - start);
		}
		hold(in, limit - partial, partial);
		in.position(limit);
		return false;
	}

	/** Hands {@code n} bytes from {@code in}'s position to the handler, then skips past them. */
	private void deliver(ByteBuffer in, int n) throws IOException {
		int position = in.position();
		int limit = in.limit();
		in.limit(position + n);
		try {
			this.handler.collectIncomingData(in);
		}
		finally {
			in.limit(limit);
			in.position(position + n);
		}
	}

	private static int indexOf(ByteBuffer in, int start, int limit, Terminator.Delimiter delimiter) {
		int length = delimiter.length();
		byte first = delimiter.at(0);
		outer: for (int i = start; i <= limit - length; i++) {
			if (in.get(i) != first) {
				continue;
			}
			for (int j = 1; j < length; j++) {
				if (in.get(i + j) != delimiter.at(j)) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** Length of the longest proper prefix of the delimiter that ends {@code in} (asynchat's find_prefix_at_end). */
	private static int prefixAtEnd(ByteBuffer in, int start, int limit, Terminator.Delimiter delimiter) {
		int max = Math.min(delimiter.length() - 1, limit - start);
		outer: for (int k = max; k > 0; k--) {
			for (int j = 0; j < k; j++) {
				if (in.get(limit - k + j) != delimiter.at(j)) {
					continue outer;
				}
			}
			return k;
		}
		return 0;
	}

	private void hold(ByteBuffer in, int from, int n) {
		if (this.held.length < n) {
			this.held = new byte[n];
		}
		for (int i = 0; i < n; i++) {
			this.held[i] = in.get(from + i);
		}
		this.heldLength = n;
	}

	private ByteBuffer prependHeld(ByteBuffer data) {
		int needed = this.heldLength + data.remaining();
		if (this.scratch.capacity() < needed) {
			this.scratch = ByteBuffer.allocate(needed);
		}
		this.scratch.clear();
		this.scratch.put(this.held, 0, this.heldLength).put(data).flip();
		this.heldLength = 0;
		return this.scratch;
	}

}
