package dev.asyncore.probe.http;

import java.util.zip.CRC32;

/**
 * A gzip member's header and trailer (RFC 1952), checked as Go's {@code compress/gzip} checks them:
 * the magic and method, the optional extra field, name and comment (each at most 511 bytes, as Go
 * reads them into 512), and the header CRC when its flag is set. Stateless.
 */
final class GzipFraming {

	/** The header is not all there yet. */
	static final int INCOMPLETE = -1;

	/** The bytes are no gzip header. */
	static final int INVALID = -2;

	/** CRC-32 and size, little-endian. */
	static final int TRAILER = 8;

	private static final int FIXED = 10;

	private static final int FLAG_HEADER_CRC = 2;

	private static final int FLAG_EXTRA = 4;

	private static final int FLAG_NAME = 8;

	private static final int FLAG_COMMENT = 16;

	/** Go reads a name or comment into a 512-byte buffer, its terminating zero included. */
	private static final int MAX_STRING = 512;

	private GzipFraming() {
	}

	/** The length of the header at {@code b[off, off + len)}, or {@link #INCOMPLETE} or {@link #INVALID}. */
	static int headerLength(byte[] b, int off, int len) {
		if (len < FIXED) {
			return INCOMPLETE; // as Go reads the fixed part whole first: a short tail is "unexpected EOF"
		}
		if ((b[off] & 0xff) != 0x1f || (b[off + 1] & 0xff) != 0x8b || b[off + 2] != 8) {
			return INVALID;
		}
		int flags = b[off + 3] & 0xff;
		int p = FIXED;
		if ((flags & FLAG_EXTRA) != 0) {
			if (len < p + 2) {
				return INCOMPLETE;
			}
			p += 2 + u16(b, off + p);
			if (len < p) {
				return INCOMPLETE;
			}
		}
		for (int flag : new int[] { FLAG_NAME, FLAG_COMMENT }) {
			if ((flags & flag) != 0) {
				p = afterString(b, off, len, p);
				if (p < 0) {
					return p;
				}
			}
		}
		if ((flags & FLAG_HEADER_CRC) != 0) {
			if (len < p + 2) {
				return INCOMPLETE;
			}
			CRC32 crc = new CRC32();
			crc.update(b, off, p);
			if ((crc.getValue() & 0xffff) != u16(b, off + p)) {
				return INVALID;
			}
			p += 2;
		}
		return p;
	}

	/** Whether the trailer at {@code b[off]} holds {@code crc} and {@code size} (modulo 2^32). */
	static boolean trailerMatches(byte[] b, int off, long crc, long size) {
		return u32(b, off) == crc && u32(b, off + 4) == (size & 0xffffffffL);
	}

	private static int afterString(byte[] b, int off, int len, int p) {
		for (int i = 0; i < MAX_STRING; i++) {
			if (p + i >= len) {
				return INCOMPLETE;
			}
			if (b[off + p + i] == 0) {
				return p + i + 1;
			}
		}
		return INVALID;
	}

	private static int u16(byte[] b, int at) {
		return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
	}

	private static long u32(byte[] b, int at) {
		return (u16(b, at) | ((long) u16(b, at + 2) << 16)) & 0xffffffffL;
	}

}
