package dev.asyncore.probe.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.asyncore.http.BodySink;
import dev.asyncore.http.FetchException;
import dev.asyncore.probe.ProbeMemory;

/**
 * Undoes a module's {@code compression} on a body while it streams in, as blackbox_exporter reads
 * it whatever the response's {@code Content-Encoding} says: {@code gzip} as Go's {@code gzip.Reader}
 * (members one after another, each header and trailer checked, nothing but another member after
 * one), {@code deflate} as Go's {@code flate.NewReader}: raw DEFLATE (RFC 1951, no zlib wrapper),
 * whatever follows the final block ignored, {@code br} as brotli (RFC 7932, through {@link BrotliFeed}),
 * whatever follows the stream ignored. A body that does not decode fails with Go's reason.
 *
 * <p>The work of one loop pass is bounded: at most {@link #SLICE} decoded bytes, then the fetch is
 * paused ({@link BodySink.Flow}) and the rest of what was read is decoded on the next passes, so a
 * body that inflates a thousandfold (a "gzip bomb") never holds the loop; the {@link Output} stops
 * it at its limit. The input kept between passes (at most one read and a gzip header, or brotli's
 * look-ahead) and zlib's state (or brotli's, its window as the stream declares it) are reserved from
 * the probe's {@link ProbeMemory.Lease}. Loop thread only.
 */
final class BodyDecoder {

	/** Decoded bytes per loop pass, at most. */
	static final int SLICE = 64 * 1024;

	/** zlib's inflate state and 32 KiB window, off the heap: charged as this estimate. */
	static final int INFLATER_BYTES = 40 * 1024;

	private static final int OUTPUT_BYTES = 8 * 1024;

	/** Room for a read and the largest gzip header Go accepts (64 KiB of extra field, two 512-byte strings). */
	private static final int MAX_PENDING = 256 * 1024;

	/** The codings a module's {@code compression} names. */
	enum Coding {

		GZIP, DEFLATE, BR

	}

	/** Where the decoded bytes go; it may throw to end the fetch (a limit, the memory budget). */
	@FunctionalInterface
	interface Output {

		void accept(ByteBuffer decoded) throws IOException;

	}

	private enum State {

		/** A gzip member's header (or, after the first member, the end of the body). */
		HEADER,
		/** Compressed data. */
		DATA,
		/** A gzip member's CRC-32 and size. */
		TRAILER,
		/** After a gzip member: the end, or another member. */
		MEMBER_END,
		/** After the final DEFLATE block: the rest is not read. */
		DONE

	}

	private final Coding coding;

	private final Output output;

	private final Executor nextPass;

	private final ProbeMemory.Lease lease;

	private final CRC32 crc = new CRC32();

	private final Runnable slice = this::slice;

	private Inflater inflater;

	/** The brotli decoder's feed, for {@link Coding#BR}. */
	private BrotliFeed brotli;

	private boolean windowReserved;

	private byte[] out;

	private BodySink.Flow flow;

	private State state;

	private byte[] pending = new byte[0];

	private int start;

	private int end;

	/** Whether the inflater's input is {@code pending[start, end)} as it is now. */
	private boolean inputSet;

	/** Whether the last inflate filled its buffer: zlib may hold more output without more input. */
	private boolean outputFull;

	private long memberSize;

	private boolean sawInput;

	private int allowance = SLICE;

	private boolean paused;

	private boolean ended;

	/**
	 * @param nextPass runs a task on a later pass of the loop ({@code reactor::execute})
	 */
	BodyDecoder(Coding coding, Output output, Executor nextPass, ProbeMemory.Lease lease) {
		this.coding = coding;
		this.output = output;
		this.nextPass = nextPass;
		this.lease = lease;
		this.state = (coding == Coding.GZIP) ? State.HEADER : State.DATA;
	}

	/** The response began: zlib's state is reserved and made. */
	void open(BodySink.Flow flow) throws FetchException {
		this.flow = flow;
		if (this.coding == Coding.BR) {
			reserve(BrotliFeed.STATE_BYTES + OUTPUT_BYTES, "the decoder"); // its window once the stream declares it
			this.brotli = new BrotliFeed(new BrotliFeed.Source() {

				@Override
				public int available() {
					return BodyDecoder.this.end - BodyDecoder.this.start;
				}

				@Override
				public int take(byte[] b, int off, int len) {
					System.arraycopy(BodyDecoder.this.pending, BodyDecoder.this.start, b, off, len);
					BodyDecoder.this.start += len;
					return len;
				}

			});
		}
		else {
			reserve(INFLATER_BYTES + OUTPUT_BYTES, "the decoder");
			this.inflater = new Inflater(true); // raw DEFLATE: gzip's framing is read here
		}
		this.out = new byte[OUTPUT_BYTES];
	}

	/** Compressed bytes; decoded now up to this pass's allowance, the rest on later passes. */
	void write(ByteBuffer data) throws IOException {
		if (this.ended || this.state == State.DONE) {
			data.position(data.limit());
			return;
		}
		if (data.hasRemaining()) {
			this.sawInput = true;
			append(data);
		}
		if (!this.paused) {
			run();
		}
	}

	/**
	 * The body ended (the decoder is not paused): the stream must have ended too. Brotli decodes the
	 * last of its input now, a slice per pass: while work is left the decoder stays paused and this is
	 * called again when it resumes.
	 */
	void finish() throws FetchException {
		if (this.brotli != null && !this.ended && this.state == State.DATA) {
			this.brotli.inputEnded();
			try {
				run();
			}
			catch (FetchException ex) {
				end();
				throw ex;
			}
			catch (IOException ex) {
				end();
				throw new FetchException.Protocol("Decoding the body failed: " + ex, ex);
			}
			if (this.paused) {
				return;
			}
		}
		try {
			String error = switch (this.state) {
				case DONE -> null;
				case MEMBER_END -> (this.start == this.end) ? null : "unexpected EOF";
				case HEADER -> this.sawInput ? "unexpected EOF" : "EOF";
				case DATA, TRAILER -> "unexpected EOF";
			};
			if (error != null) {
				throw corrupt(error);
			}
		}
		finally {
			end();
		}
	}

	/** Frees zlib's state; later input is dropped. Idempotent. */
	void end() {
		if (!this.ended) {
			this.ended = true;
			if (this.inflater != null) {
				this.inflater.end();
			}
		}
	}

	private void run() throws IOException {
		if (decode()) {
			if (!this.paused) {
				this.paused = true;
				this.flow.pause();
			}
			later();
		}
		else if (this.paused) {
			this.paused = false;
			this.flow.resume();
		}
	}

	/** A later loop pass: a new allowance for the input kept from earlier. */
	private void slice() {
		if (this.ended) {
			return;
		}
		this.allowance = SLICE;
		try {
			run();
		}
		catch (FetchException ex) {
			this.flow.fail(ex);
		}
		catch (IOException | RuntimeException ex) {
			this.flow.fail(new FetchException.Protocol("Decoding the body failed: " + ex, ex));
		}
	}

	private void later() throws FetchException {
		try {
			this.nextPass.execute(this.slice);
		}
		catch (RejectedExecutionException ex) {
			throw new FetchException.Protocol("The loop stopped while the body was being decoded", ex);
		}
	}

	/**
	 * Decodes what is kept until it is used up or this pass's allowance is.
	 * @return whether work is left for a later pass
	 */
	private boolean decode() throws IOException {
		while (true) {
			switch (this.state) {
				case HEADER -> {
					int length = GzipFraming.headerLength(this.pending, this.start, this.end - this.start);
					if (length == GzipFraming.INVALID) {
						throw corrupt("gzip: invalid header");
					}
					if (length == GzipFraming.INCOMPLETE) {
						return false;
					}
					this.start += length;
					this.inflater.reset();
					this.crc.reset();
					this.memberSize = 0;
					this.inputSet = false;
					this.state = State.DATA;
				}
				case DATA -> {
					if (this.allowance <= 0) {
						return this.start < this.end || this.outputFull;
					}
					if (!((this.brotli != null) ? unbrotli() : inflate())) {
						return false;
					}
				}
				case TRAILER -> {
					if (this.end - this.start < GzipFraming.TRAILER) {
						return false;
					}
					if (!GzipFraming.trailerMatches(this.pending, this.start, this.crc.getValue(), this.memberSize)) {
						throw corrupt("gzip: invalid checksum");
					}
					this.start += GzipFraming.TRAILER;
					this.state = State.MEMBER_END;
				}
				case MEMBER_END -> {
					if (this.start == this.end) {
						return false;
					}
					this.state = State.HEADER;
				}
				case DONE -> {
					this.start = this.end; // Go's flate reader never reads past the final block
					return false;
				}
			}
		}
	}

	/**
	 * One inflate call into the output.
	 * @return whether to go on: {@code false} when zlib needs input that is not there yet
	 */
	private boolean inflate() throws IOException {
		if (!this.inputSet) {
			this.inflater.setInput(this.pending, this.start, this.end - this.start);
			this.inputSet = true;
		}
		int n;
		try {
			n = this.inflater.inflate(this.out, 0, Math.min(this.out.length, this.allowance));
		}
		catch (DataFormatException ex) {
			throw corrupt("flate: corrupt input (" + ex.getMessage() + ")");
		}
		this.start = this.end - this.inflater.getRemaining();
		this.outputFull = n == Math.min(this.out.length, this.allowance);
		if (n > 0) {
			this.allowance -= n;
			this.memberSize += n;
			if (this.coding == Coding.GZIP) {
				this.crc.update(this.out, 0, n);
			}
			this.output.accept(ByteBuffer.wrap(this.out, 0, n));
			return true;
		}
		if (this.inflater.finished()) {
			this.inputSet = false;
			this.outputFull = false;
			this.state = (this.coding == Coding.GZIP) ? State.TRAILER : State.DONE;
			return true;
		}
		if (this.inflater.needsDictionary()) {
			throw corrupt("flate: corrupt input (a preset dictionary is asked for)");
		}
		return false; // zlib needs more input
	}

	/**
	 * One call of the brotli decoder into the output, once it may pull ({@link BrotliFeed#ready()}); the
	 * window its stream declares is reserved before the first.
	 * @return whether to go on: {@code false} when it waits for input
	 */
	private boolean unbrotli() throws IOException {
		if (!this.brotli.ready() || (!this.windowReserved && this.start == this.end)) {
			return false;
		}
		if (!this.windowReserved) {
			int window = BrotliFeed.window(this.pending[this.start] & 0xff);
			if (window < 0) {
				throw corrupt("invalid window size");
			}
			reserve(window, "the brotli window");
			this.windowReserved = true;
		}
		int want = Math.min(this.out.length, this.allowance);
		int n;
		try {
			n = this.brotli.decode(this.out, 0, want);
		}
		catch (IOException ex) {
			throw corrupt(ex.getMessage());
		}
		if (n < 0) {
			this.outputFull = false;
			this.state = State.DONE;
			return true;
		}
		this.outputFull = n == want;
		this.allowance -= n;
		if (n > 0) {
			this.output.accept(ByteBuffer.wrap(this.out, 0, n));
		}
		return n > 0;
	}

	private void append(ByteBuffer data) throws FetchException {
		int n = data.remaining();
		if (this.start == this.end) {
			this.start = 0;
			this.end = 0;
		}
		if (this.end + n > this.pending.length) {
			int kept = this.end - this.start;
			if (kept + n > MAX_PENDING) {
				throw corrupt("more than " + MAX_PENDING + " bytes of input held between passes"); // no valid header is this long
			}
			if (kept + n > this.pending.length) {
				int size = Math.min(MAX_PENDING, Math.max(kept + n, 2 * this.pending.length));
				reserve(size - this.pending.length, "the decoder's input");
				this.pending = Arrays.copyOfRange(this.pending, this.start, this.start + size);
			}
			else {
				System.arraycopy(this.pending, this.start, this.pending, 0, kept);
			}
			this.start = 0;
			this.end = kept;
		}
		data.get(this.pending, this.end, n);
		this.end += n;
		this.inputSet = false;
	}

	private void reserve(long bytes, String what) throws FetchException.TooLarge {
		try {
			this.lease.reserve(bytes, what);
		}
		catch (ProbeMemory.Refused ex) {
			throw new FetchException.TooLarge(ex.getMessage());
		}
	}

	private FetchException.Protocol corrupt(String reason) {
		return new FetchException.Protocol("cannot decode the body as " + this.coding.name().toLowerCase()
				+ " (the module's compression): " + reason);
	}

	@Override
	public String toString() {
		return "BodyDecoder[" + this.coding + ", " + this.state + ", kept " + (this.end - this.start)
				+ (this.paused ? ", paused" : "") + ']';
	}

}
