package dev.asyncore.probe.http;

import java.io.IOException;
import java.io.InputStream;

import org.brotli.dec.BrotliInputStream;

/**
 * Google's brotli decoder ({@code org.brotli.dec}), which pulls its input from an {@link InputStream},
 * fed from a decoder's pending bytes on the loop thread. The decoder is asked for output only while
 * at least {@link #LOOKAHEAD} compressed bytes are pending, or the body has ended: a stream from a
 * real encoder never needs more input than that for the few kilobytes of one call, so the pull never
 * finds the input dry mid-body. One that does (a stretch of metadata with no output) has starved the
 * decoder, which cannot be resumed: the probe fails saying so. Loop thread only.
 */
final class BrotliFeed extends InputStream {

	/** Compressed bytes kept ahead of each call for output. */
	static final int LOOKAHEAD = 64 * 1024;

	/** The decoder's buffers and tables beside its window: an estimate charged to the probe. */
	static final int STATE_BYTES = 48 * 1024;

	/** The pending bytes this feed reads and consumes. */
	interface Source {

		/** Bytes pending. */
		int available();

		/** Copies at most {@code len} pending bytes into {@code b} and consumes them. */
		int take(byte[] b, int off, int len);

	}

	private final Source source;

	private BrotliInputStream decoder;

	private boolean inputEnded;

	private boolean starved;

	BrotliFeed(Source source) {
		this.source = source;
	}

	/** The body ended: what is pending is all there is. */
	void inputEnded() {
		this.inputEnded = true;
	}

	/** Whether the decoder may be asked for output now. */
	boolean ready() {
		return this.inputEnded || this.source.available() >= LOOKAHEAD;
	}

	/**
	 * The largest window the stream's first byte declares (RFC 7932 §9.1), in bytes: what the decoder's
	 * ring buffer will take; {@code -1} for a window the format does not allow.
	 */
	static int window(int firstByte) {
		int bits;
		if ((firstByte & 1) == 0) {
			bits = 16;
		}
		else if (((firstByte >> 1) & 7) != 0) {
			bits = 17 + ((firstByte >> 1) & 7);
		}
		else {
			int m = (firstByte >> 4) & 7;
			bits = (m == 1) ? -1 : (m == 0) ? 17 : 8 + m;
		}
		return (bits < 0) ? -1 : (1 << bits);
	}

	/**
	 * Decoded bytes into {@code b}; at most {@code len}. Call only when {@link #ready()}.
	 * @return the count, or {@code -1} at the end of the brotli stream
	 * @throws IOException the decoder's reason for a stream that does not decode, or the starvation
	 */
	int decode(byte[] b, int off, int len) throws IOException {
		try {
			if (this.decoder == null) {
				this.decoder = new BrotliInputStream(this, 4096);
			}
			int n = this.decoder.read(b, off, len);
			if (this.starved) {
				throw new IOException("more than " + LOOKAHEAD + " bytes of input without output");
			}
			return n;
		}
		catch (IOException | RuntimeException ex) {
			if (this.starved) {
				throw new IOException("more than " + LOOKAHEAD + " bytes of input without output", ex);
			}
			if (this.inputEnded && this.source.available() == 0 && String.valueOf(ex.getMessage()).contains("input")) {
				throw new IOException("unexpected EOF", ex);
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IOException("corrupt input (" + cause.getMessage() + ")", ex);
		}
	}

	/** The decoder's pull: the pending bytes; dry mid-body is starvation (the decoder now believes the input ended). */
	@Override
	public int read(byte[] b, int off, int len) {
		int available = this.source.available();
		if (available == 0) {
			this.starved |= !this.inputEnded;
			return -1;
		}
		return this.source.take(b, off, Math.min(len, available));
	}

	@Override
	public int read() {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
	}

}
