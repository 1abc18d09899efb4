package dev.asyncore.chat;

import java.util.Arrays;

/**
 * What ends the next unit of input for an {@link AsyncChat} (asynchat's {@code set_terminator}
 * argument): a byte delimiter, a byte count, or nothing (collect everything). Immutable; any thread.
 */
public sealed interface Terminator permits Terminator.Delimiter, Terminator.Length, Terminator.None {

	/** The terminator that collects all input and never fires. */
	Terminator NONE = new None();

	/**
	 * @param delimiter the bytes that end a unit; copied
	 * @return a delimiter terminator
	 * @throws IllegalArgumentException if {@code delimiter} is empty
	 */
	static Terminator delimiter(byte[] delimiter) {
		return new Delimiter(delimiter);
	}

	/**
	 * @param count bytes to collect before {@code foundTerminator}
	 * @return a length terminator
	 * @throws IllegalArgumentException if {@code count} is negative
	 */
	static Terminator length(long count) {
		return new Length(count);
	}

	/** A unit ends after these bytes, which are not passed to {@code collectIncomingData}. */
	record Delimiter(byte[] bytes) implements Terminator {

		public Delimiter {
			if (bytes == null || bytes.length == 0) {
				throw new IllegalArgumentException("A delimiter needs at least one byte");
			}
			bytes = bytes.clone();
		}

		@Override
		public byte[] bytes() {
			return this.bytes.clone();
		}

		int length() {
			return this.bytes.length;
		}

		byte at(int i) {
			return this.bytes[i];
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Delimiter d && Arrays.equals(this.bytes, d.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			StringBuilder sb = new StringBuilder("Delimiter[");
			for (byte b : this.bytes) {
				if (b >= 0x20 && b < 0x7f) {
					sb.append((char) b);
				}
				else {
					sb.append(String.format("\\x%02x", b & 0xff));
				}
			}
			return sb.append(']').toString();
		}

	}

	/** A unit ends after {@code count} bytes. */
	record Length(long count) implements Terminator {

		public Length {
			if (count < 0) {
				throw new IllegalArgumentException("A length terminator cannot be negative: " + count);
			}
		}

	}

	/** No terminator: every byte goes to {@code collectIncomingData}. */
	record None() implements Terminator {
	}

}
