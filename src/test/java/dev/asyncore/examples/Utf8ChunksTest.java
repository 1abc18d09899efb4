package dev.asyncore.examples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8ChunksTest {

	@Test
	void aCharacterSplitAcrossChunksIsPrintedWholeWithTheNextChunk() {
		byte[] bytes = "aéa€".getBytes(StandardCharsets.UTF_8); // 61 | C3 A9 | 61 | E2 82 AC
		Examples.Utf8Chunks text = new Examples.Utf8Chunks(2);
		assertThat(text.decode(ByteBuffer.wrap(bytes, 0, 2), false)).isEqualTo("a");
		assertThat(text.decode(ByteBuffer.wrap(bytes, 2, 2), false)).isEqualTo("éa");
		assertThat(text.decode(ByteBuffer.wrap(bytes, 4, 2), false)).isEmpty();
		assertThat(text.decode(ByteBuffer.wrap(bytes, 6, 1), false)).isEqualTo("€");
		assertThat(text.decode(ByteBuffer.allocate(0), true)).isEmpty();
	}

	@Test
	void aTruncatedCharacterAtTheEndIsOneReplacementCharacter() {
		Examples.Utf8Chunks text = new Examples.Utf8Chunks(4);
		assertThat(text.decode(ByteBuffer.wrap(new byte[] { 'x', (byte) 0xE2, (byte) 0x82 }), false)).isEqualTo("x");
		assertThat(text.decode(ByteBuffer.allocate(0), true)).isEqualTo("\uFFFD");
	}

}
