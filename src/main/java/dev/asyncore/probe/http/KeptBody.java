package dev.asyncore.probe.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
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

import com.sun.management.HotSpotDiagnosticMXBean;

import dev.asyncore.probe.ProbeMemory;

/**
 * A body kept for {@code fail_if_body_*}: its bytes in chunks, each reserved from the probe's
 * {@link ProbeMemory.Lease} before it is made (no doubling copies, nothing held that was not
 * charged), and its text for the regular expressions: a view of the bytes when they are ASCII (the
 * usual case: no copy), else the UTF-8 decoding (malformed input replaced, as {@code new String}
 * does), reserved at two bytes per byte first. Loop thread only.
 * <p>
 * The first {@value #SMALL_TIER} bytes go in chunks of {@value #CHUNK}; past that, in chunks of
 * {@link #LARGE} bytes, one G1 heap region less an array header, when four of them fit the probe's
 * share of the budget (else on in small chunks: a share of a few regions would otherwise be taken
 * by the rounding, and copying so little costs little). G1 makes an array of half a region
 * or more a humongous object: allocated in a region of its own, never copied by a collection, and
 * freed by the first young collection after the probe drops it. Kept in small chunks, the tens of
 * megabytes that probes of large bodies hold are live young data that every young collection copies
 * and then promotes, pauses of hundreds of milliseconds for the loop under
 * {@code src/test/e2e/attack-e2e.sh}. A body past the small tier holds at most one partly filled
 * large chunk, and pays for all of it.
 */
final class KeptBody {

	private static final int SHIFT = 14;

	static final int CHUNK = 1 << SHIFT;

	private static final int SMALL_CHUNKS = 64;

	static final int SMALL_TIER = SMALL_CHUNKS * CHUNK;

	/** The size of the chunks past the small tier: one G1 heap region less an array header. */
	static final int LARGE = largeChunk();

	/** Room for a {@code byte[]}'s header: 16 bytes with 64-bit headers, 12 with compact ones. */
	private static final int HEADER_ROOM = 64;

	/** Java's text is indexed by int; a body kept for matching is at most this long. */
	static final int MAX_LENGTH = 1 << 30;

	private final ProbeMemory.Lease lease;

	/** {@link #LARGE}, or {@link #CHUNK} when four large chunks would pass the probe's share. */
	private final int large;

	private byte[][] chunks = new byte[4][];

	private int count;

	private int capacity;

	private int length;

	KeptBody(ProbeMemory.Lease lease) {
		this.lease = lease;
		this.large = (4L * LARGE <= lease.share()) ? LARGE : CHUNK;
	}

	/** Keeps {@code data}'s remaining bytes. */
	void append(ByteBuffer data) throws ProbeMemory.Refused {
		while (data.hasRemaining()) {
			if (this.length == this.capacity) {
				addChunk();
			}
			int index = this.count - 1;
			int n = Math.min(data.remaining(), this.capacity - this.length);
			data.get(this.chunks[index], this.length - start(index), n);
			this.length += n;
		}
	}

	private void addChunk() throws ProbeMemory.Refused {
		int size = size(this.count);
		this.lease.reserve(size, "the response body kept for fail_if_body_*");
		if (this.count == this.chunks.length) {
			this.chunks = Arrays.copyOf(this.chunks, this.count * 2);
		}
		this.chunks[this.count++] = new byte[size];
		this.capacity += size;
	}

	/** The number of bytes chunk {@code index} holds. */
	int size(int index) {
		return (index < SMALL_CHUNKS) ? CHUNK : this.large;
	}

	/** The body offset of chunk {@code index}'s first byte. */
	int start(int index) {
		return (index < SMALL_CHUNKS) ? index << SHIFT : SMALL_TIER + (index - SMALL_CHUNKS) * this.large;
	}

	/** The chunk that holds the body's byte {@code at}. */
	int index(int at) {
		return (at < SMALL_TIER) ? at >>> SHIFT : SMALL_CHUNKS + (at - SMALL_TIER) / this.large;
	}

	/**
	 * One G1 region less an array header when G1 is the collector (its region size read from the
	 * running VM, capped at 32 MiB), else 1 MiB less the header: other collectors gain nothing from
	 * the size and lose nothing by it.
	 */
	private static int largeChunk() {
		long region = 1 << 20;
		try {
			HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			if (Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
				region = Math.min(Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue()), 32L << 20);
			}
		}
		catch (RuntimeException | LinkageError ex) {
			// not HotSpot, or no management module in this runtime: the 1 MiB default
		}
		return (int) Math.max(region, 1 << 20) - HEADER_ROOM;
	}

	int length() {
		return this.length;
	}

	/** The body's bytes as a stream over the kept chunks (no copy), for the JSON parser. */
	InputStream stream() {
		List<InputStream> parts = new ArrayList<>();
		for (int i = 0, left = this.length; left > 0; i++) {
			int n = Math.min(size(i), left);
			parts.add(new ByteArrayInputStream(this.chunks[i], 0, n));
			left -= n;
		}
		return new SequenceInputStream(Collections.enumeration(parts));
	}

	/** The body as text for the regular expressions; made once per call. */
	CharSequence text() throws ProbeMemory.Refused {
		if (isAscii()) {
			return new AsciiText(this, 0, this.length);
		}
		this.lease.reserve(2L * this.length, "the body's text (UTF-16) for fail_if_body_*");
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);
		CharBuffer text = CharBuffer.allocate(this.length); // UTF-8 never gives more chars than bytes
		ByteBuffer in = ByteBuffer.allocate(CHUNK + 8);
		for (int i = 0, left = this.length; left > 0; i++) {
			byte[] chunk = this.chunks[i];
			int n = Math.min(size(i), left);
			left -= n;
			for (int at = 0; at < n;) { // through a small buffer: a large chunk is not copied whole
				int piece = Math.min(in.remaining(), n - at);
				in.put(chunk, at, piece).flip();
				at += piece;
				decoder.decode(in, text, left == 0 && at == n);
				in.compact();
			}
		}
		decoder.flush(text);
		return text.flip();
	}

	private boolean isAscii() {
		for (int i = 0, left = this.length; left > 0; i++) {
			byte[] chunk = this.chunks[i];
			int n = Math.min(size(i), left);
			for (int j = 0; j < n; j++) {
				if (chunk[j] < 0) {
					return false;
				}
			}
			left -= n;
		}
		return true;
	}

	/** ASCII bytes read as chars, without a copy; remembers the chunk it read last, as matching reads in order. */
	private static final class AsciiText implements CharSequence {

		private final KeptBody body;

		private final int from;

		private final int length;

		private byte[] current;

		private int base;

		AsciiText(KeptBody body, int from, int length) {
			this.body = body;
			this.from = from;
			this.length = length;
			this.current = body.chunks[0];
		}

		@Override
		public int length() {
			return this.length;
		}

		@Override
		public char charAt(int index) {
			int at = this.from + Objects.checkIndex(index, this.length);
			int offset = at - this.base;
			if (offset < 0 || offset >= this.current.length) {
				int chunk = this.body.index(at);
				this.current = this.body.chunks[chunk];
				this.base = this.body.start(chunk);
				offset = at - this.base;
			}
			return (char) this.current[offset];
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			Objects.checkFromToIndex(start, end, this.length);
			return new AsciiText(this.body, this.from + start, end - start);
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
