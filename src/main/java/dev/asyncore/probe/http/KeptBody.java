package dev.asyncore.probe.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import dev.asyncore.probe.ProbeMemory;

/**
 * A body kept for {@code fail_if_body_*}: its bytes in 16 KiB chunks, each reserved from the probe's
 * {@link ProbeMemory.Lease} before it is made (no doubling copies, nothing held that was not
 * charged), and its text for the regular expressions: a view of the bytes when they are ASCII (the
 * usual case: no copy), else the UTF-8 decoding (malformed input replaced, as {@code new String}
 * does), reserved at two bytes per byte first. Loop thread only.
 */
final class KeptBody {

	private static final int SHIFT = 14;

	static final int CHUNK = 1 << SHIFT;

	private static final int MASK = CHUNK - 1;

	/** Java's text is indexed by int; a body kept for matching is at most this long. */
	static final int MAX_LENGTH = 1 << 30;

	private final ProbeMemory.Lease lease;

	private byte[][] chunks = new byte[4][];

	private int length;

	KeptBody(ProbeMemory.Lease lease) {
		this.lease = lease;
	}

	/** Keeps {@code data}'s remaining bytes. */
	void append(ByteBuffer data) throws ProbeMemory.Refused {
		while (data.hasRemaining()) {
			int at = this.length & MASK;
			int index = this.length >>> SHIFT;
			if (at == 0 && index == countChunks()) {
				addChunk(index);
			}
			int n = Math.min(data.remaining(), CHUNK - at);
			data.get(this.chunks[index], at, n);
			this.length += n;
		}
	}

	private int countChunks() {
		return (this.length + MASK) >>> SHIFT;
	}

	private void addChunk(int index) throws ProbeMemory.Refused {
		this.lease.reserve(CHUNK, "the response body kept for fail_if_body_*");
		if (index == this.chunks.length) {
			this.chunks = Arrays.copyOf(this.chunks, index * 2);
		}
		this.chunks[index] = new byte[CHUNK];
	}

	int length() {
		return this.length;
	}

	/** The body's bytes as a stream over the kept chunks (no copy), for the JSON parser. */
	InputStream stream() {
		List<InputStream> parts = new ArrayList<>();
		for (int i = 0, left = this.length; left > 0; i++) {
			int n = Math.min(CHUNK, left);
			parts.add(new ByteArrayInputStream(this.chunks[i], 0, n));
			left -= n;
		}
		return new SequenceInputStream(Collections.enumeration(parts));
	}

	/** The body as text for the regular expressions; made once per call. */
	CharSequence text() throws ProbeMemory.Refused {
		if (isAscii()) {
			return new AsciiText(this.chunks, 0, this.length);
		}
		this.lease.reserve(2L * this.length, "the body's text (UTF-16) for fail_if_body_*");
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);
		CharBuffer text = CharBuffer.allocate(this.length); // UTF-8 never gives more chars than bytes
		ByteBuffer carry = ByteBuffer.allocate(CHUNK + 8);
		for (int i = 0, left = this.length; left > 0; i++) {
			int n = Math.min(CHUNK, left);
			carry.put(this.chunks[i], 0, n).flip();
			left -= n;
			decoder.decode(carry, text, left == 0);
			carry.compact();
		}
		decoder.flush(text);
		return text.flip();
	}

	private boolean isAscii() {
		for (int i = 0, left = this.length; left > 0; i++) {
			byte[] chunk = this.chunks[i];
			int n = Math.min(CHUNK, left);
			for (int j = 0; j < n; j++) {
				if (chunk[j] < 0) {
					return false;
				}
			}
			left -= n;
		}
		return true;
	}

	/** ASCII bytes read as chars, without a copy. */
	private static final class AsciiText implements CharSequence {

		private final byte[][] chunks;

		private final int from;

		private final int length;

		AsciiText(byte[][] chunks, int from, int length) {
			this.chunks = chunks;
			this.from = from;
			this.length = length;
		}

		@Override
		public int length() {
			return this.length;
		}

		@Override
		public char charAt(int index) {
			int at = this.from + Objects.checkIndex(index, this.length);
			return (char) this.chunks[at >>> SHIFT][at & MASK];
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			Objects.checkFromToIndex(start, end, this.length);
			return new AsciiText(this.chunks, this.from + start, end - start);
		}

		@Override
		public String toString() {
			StringBuilder text = new StringBuilder(this.length);
			for (int i = 0; i < this.length; i++) {
				text.append(charAt(i));
			}
			return text.toString();
		}

	}

}
