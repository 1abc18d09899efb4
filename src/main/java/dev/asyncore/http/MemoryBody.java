package dev.asyncore.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A response body kept in memory, growing by doubling up to the policy's cap. Loop thread only. */
final class MemoryBody {

	private final long cap;

	private byte[] bytes = new byte[0];

	private int length;

	MemoryBody(long cap) {
		this.cap = Math.min(cap, Integer.MAX_VALUE - 16);
	}

	void write(ByteBuffer data) throws FetchException.TooLarge {
		int n = data.remaining();
		if (this.length + (long) n > this.cap) {
			throw new FetchException.TooLarge("Response body exceeds the in-memory limit of " + this.cap + " bytes");
		}
		if (this.length + n > this.bytes.length) {
			long grown = Math.max(Math.max(this.bytes.length * 2L, this.length + n), 8192);
			this.bytes = Arrays.copyOf(this.bytes, (int) Math.min(grown, this.cap));
		}
		data.get(this.bytes, this.length, n);
		this.length += n;
	}

	/**
	 * Sizes the buffer for an announced body of {@code length} bytes, up to {@code limit}: one
	 * allocation instead of doubling copies. The limit keeps a server that announces a large body it
	 * never sends from making every fetch reserve the whole cap.
	 */
	void expect(long length, int limit) {
		long size = Math.min(Math.min(length, this.cap), limit);
		if (size > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, (int) size);
		}
	}

	/** Largest buffer reserved up front from a Content-Length: bigger bodies grow as they arrive. */
	private static final int MAX_PRESIZE = 1024 * 1024;

	/** Sizes the buffer for {@code response}'s Content-Length, if it has a valid one (up to 1 MiB). */
	void expect(ResponseHead response) {
		try {
			long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
			if (length > 0) {
				expect(length, MAX_PRESIZE);
			}
		}
		catch (NumberFormatException ex) {
			// the parser judges the framing and reports a bad length; sizing just does not happen
		}
	}

	void reset() {
		this.length = 0;
	}

	/** Bytes reserved now (for tests of the sizing). */
	int capacity() {
		return this.bytes.length;
	}

	byte[] toArray() {
		return (this.length == this.bytes.length) ? this.bytes : Arrays.copyOf(this.bytes, this.length);
	}

}
