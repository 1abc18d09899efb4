package dev.asyncore.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FramerTest {

	/** Collects units as strings; the terminator of the next unit comes from a script. */
	static final class Recorder implements Framer.Handler {

		final List<String> units = new ArrayList<>();

		final ByteArrayOutputStream current = new ByteArrayOutputStream();

		Framer framer;

		Runnable onTerminator = () -> {
		};

		@Override
		public void collectIncomingData(ByteBuffer data) {
			while (data.hasRemaining()) {
				this.current.write(data.get());
			}
		}

		@Override
		public void foundTerminator() {
			this.units.add(this.current.toString(StandardCharsets.ISO_8859_1));
			this.current.reset();
			this.onTerminator.run();
		}

	}

	private static Recorder recorder(Terminator terminator) {
		Recorder recorder = new Recorder();
		recorder.framer = new Framer(recorder);
		recorder.framer.setTerminator(terminator);
		return recorder;
	}

	private static void feedInChunks(Framer framer, byte[] data, int chunk) throws IOException {
		for (int i = 0; i < data.length; i += chunk) {
			framer.feed(ByteBuffer.wrap(data, i, Math.min(chunk, data.length - i)));
		}
	}

	@ParameterizedTest
	@CsvSource({ "\\n,1", "\\n,2", "\\n,3", "\\r\\n,1", "\\r\\n,2", "\\r\\n,3", "qqq,1", "qqq,2", "qqq,3" })
	void delimiterIsFoundWhateverTheChunkSize(String escaped, int chunk) throws IOException {
		String delimiter = escaped.replace("\\n", "\n").replace("\\r", "\r");
		Recorder recorder = recorder(Terminator.delimiter(delimiter.getBytes(StandardCharsets.ISO_8859_1)));
		byte[] data = ("hello world" + delimiter + "I'm not dead yet!" + delimiter).getBytes(StandardCharsets.ISO_8859_1);

		feedInChunks(recorder.framer, data, chunk);

		assertThat(recorder.units).containsExactly("hello world", "I'm not dead yet!");
		assertThat(recorder.framer.heldBytes()).isZero();
	}

	@Test
	void partialDelimiterIsHeldBackNotCollected() throws IOException {
		Recorder recorder = recorder(Terminator.delimiter("qqq".getBytes(StandardCharsets.ISO_8859_1)));

		recorder.framer.feed(ByteBuffer.wrap("abcqq".getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(recorder.current.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abc");
		assertThat(recorder.framer.heldBytes()).isEqualTo(2);
		recorder.framer.feed(ByteBuffer.wrap("xq".getBytes(StandardCharsets.ISO_8859_1)));
		assertThat(recorder.current.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abcqqx");
		assertThat(recorder.framer.heldBytes()).isEqualTo(1);
	}

	@Test
	void terminatorChangedInFoundTerminatorAppliesToBufferedRest() throws IOException {
		Recorder recorder = recorder(Terminator.delimiter("\r\n".getBytes(StandardCharsets.ISO_8859_1)));
		recorder.onTerminator = () -> {
			if (recorder.units.size() == 1) {
				recorder.framer.setTerminator(Terminator.length(5));
			}
			else if (recorder.units.size() == 2) {
				recorder.framer.setTerminator(Terminator.delimiter(new byte[] { '!' }));
			}
		};

		recorder.framer.feed(ByteBuffer.wrap("head\r\n12345rest!tail".getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(recorder.units).containsExactly("head", "12345", "rest");
		assertThat(recorder.current.toString(StandardCharsets.ISO_8859_1)).isEqualTo("tail");
	}

	@Test
	void exhaustedCountWithoutNewTerminatorCollectsTheRest() throws IOException {
		Recorder recorder = recorder(Terminator.length(3));

		recorder.framer.feed(ByteBuffer.wrap("abcdef".getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(recorder.units).containsExactly("abc");
		assertThat(recorder.current.toString(StandardCharsets.ISO_8859_1)).isEqualTo("def");
		assertThat(recorder.framer.terminator()).isEqualTo(Terminator.NONE);
	}

	@Test
	void countSpansChunksAndReportsWhatIsLeft() throws IOException {
		Recorder recorder = recorder(Terminator.length(10));

		recorder.framer.feed(ByteBuffer.wrap("1234".getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(recorder.framer.terminator()).isEqualTo(Terminator.length(6));
		recorder.framer.feed(ByteBuffer.wrap("567890X".getBytes(StandardCharsets.ISO_8859_1)));
		assertThat(recorder.units).containsExactly("1234567890");
	}

	@Test
	void discardStopsFramingTheRestOfTheChunk() throws IOException {
		Recorder recorder = recorder(Terminator.delimiter(new byte[] { '\n' }));
		recorder.onTerminator = recorder.framer::discard;

		recorder.framer.feed(ByteBuffer.wrap("a\nb\nc\n".getBytes(StandardCharsets.ISO_8859_1)));

		assertThat(recorder.units).containsExactly("a");
	}

	@Test
	void negativeCountAndEmptyDelimiterAreRejected() {
		assertThatThrownBy(() -> Terminator.length(-1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("negative");
		assertThatThrownBy(() -> Terminator.delimiter(new byte[0])).isInstanceOf(IllegalArgumentException.class);
	}

}
