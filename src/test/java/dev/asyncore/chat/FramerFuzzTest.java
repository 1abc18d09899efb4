package dev.asyncore.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes asynchat framing: for any delimiter or count and any cut of the input into reads, the
 * units found are those of a plain left-to-right scan of the whole input.
 */
class FramerFuzzTest {

	@FuzzTest(maxDuration = "2m")
	void unitsDoNotDependOnHowInputIsCut(FuzzedDataProvider data) throws IOException {
		boolean byCount = data.consumeBoolean();
		byte[] delimiter = data.consumeBytes(4);
		int count = data.consumeInt(1, 16);
		int[] sizes = new int[data.consumeInt(0, 10)];
		for (int i = 0; i < sizes.length; i++) {
			sizes[i] = data.consumeInt(0, 32);
		}
		byte[] input = data.consumeRemainingAsBytes();
		if (!byCount && delimiter.length == 0) {
			delimiter = new byte[] { '\n' };
		}
		Terminator terminator = byCount ? Terminator.length(count) : Terminator.delimiter(delimiter);

		List<String> units = new ArrayList<>();
		ByteArrayOutputStream current = new ByteArrayOutputStream();
		Framer[] framer = new Framer[1];
		framer[0] = new Framer(new Framer.Handler() {

			@Override
			public void collectIncomingData(ByteBuffer bytes) {
				while (bytes.hasRemaining()) {
					current.write(bytes.get());
				}
			}

			@Override
			public void foundTerminator() {
				units.add(Arrays.toString(current.toByteArray()));
				current.reset();
				framer[0].setTerminator(terminator);
			}

		});
		framer[0].setTerminator(terminator);
		int offset = 0;
		for (int size : sizes) {
			int end = Math.min(input.length, offset + size);
			framer[0].feed(ByteBuffer.wrap(input, offset, end - offset));
			offset = end;
		}
		framer[0].feed(ByteBuffer.wrap(input, offset, input.length - offset));

		List<String> expected = byCount ? byCount(input, count) : byDelimiter(input, delimiter);
		assertThat(units).isEqualTo(expected);
		assertThat(framer[0].heldBytes()).isLessThan(Math.max(1, delimiter.length));
	}

	private static List<String> byCount(byte[] input, int count) {
		List<String> units = new ArrayList<>();
		for (int i = 0; i + count <= input.length; i += count) {
			units.add(Arrays.toString(Arrays.copyOfRange(input, i, i + count)));
		}
		return units;
	}

	private static List<String> byDelimiter(byte[] input, byte[] delimiter) {
		List<String> units = new ArrayList<>();
		int start = 0;
		for (int i = 0; i + delimiter.length <= input.length;) {
			if (Arrays.equals(input, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
				units.add(Arrays.toString(Arrays.copyOfRange(input, start, i)));
				i += delimiter.length;
				start = i;
			}
			else {
				i++;
			}
		}
		return units;
	}

}
