package dev.asyncore.http;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The in-memory body: sized once from Content-Length, bounded by the cap and the presize limit. */
class MemoryBodyTest {

	@Test
	void whenTheLengthIsAnnouncedThenTheBodyIsReservedOnceAndNotCopiedAgain() throws Exception {
		MemoryBody body = new MemoryBody(10 * 1024 * 1024);
		body.expect(300_000, 1024 * 1024);
		assertThat(body.capacity()).isEqualTo(300_000);
		for (int i = 0; i < 300; i++) {
			body.write(ByteBuffer.wrap(new byte[1000]));
		}
		assertThat(body.capacity()).isEqualTo(300_000);
		assertThat(body.toArray()).hasSize(300_000);
	}

	@Test
	void whenAServerAnnouncesAHugeBodyThenOnlyThePresizeLimitIsReserved() {
		MemoryBody body = new MemoryBody(10 * 1024 * 1024);
		body.expect(Long.MAX_VALUE, 1024 * 1024);
		assertThat(body.capacity()).isEqualTo(1024 * 1024);
	}

	@Test
	void whenTheBodyPassesTheCapThenItIsTooLargeWhateverWasAnnounced() throws Exception {
		MemoryBody body = new MemoryBody(1000);
		body.expect(500, 1024 * 1024);
		body.write(ByteBuffer.wrap(new byte[1000]));
		assertThatExceptionOfType(FetchException.TooLarge.class)
			.isThrownBy(() -> body.write(ByteBuffer.wrap(new byte[1]))).withMessageContaining("1000 bytes");
	}

}
