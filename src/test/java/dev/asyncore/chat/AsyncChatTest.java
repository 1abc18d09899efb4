package dev.asyncore.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.asyncore.core.Reactor;

/** AsyncChat's framing and bounds without a socket (fed directly on the setting-up thread). */
class AsyncChatTest {

	private final Reactor reactor = new Reactor("asynchat-test");

	@AfterEach
	void close() {
		this.reactor.close();
	}

	static final class Lines extends AsyncChat {

		final List<String> lines = new ArrayList<>();

		Throwable error;

		Lines(Reactor reactor) {
			super(reactor);
			setTerminator("\n".getBytes(StandardCharsets.ISO_8859_1));
		}

		@Override
		protected void foundTerminator() {
			this.lines.add(new String(incomingData(), StandardCharsets.ISO_8859_1));
		}

		@Override
		protected void handleError(Throwable error) {
			this.error = error;
			super.handleError(error);
		}

		void feedString(String s) throws IOException {
			feed(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
		}

	}

	@Test
	void defaultCollectorKeepsUnitsForIncomingData() throws IOException {
		Lines chat = new Lines(this.reactor);

		chat.feedString("one\ntw");
		chat.feedString("o\n");

		assertThat(chat.lines).containsExactly("one", "two");
	}

	@Test
	void unitLongerThanMaxIncomingIsANamedErrorNotGrowth() {
		Lines chat = new Lines(this.reactor);
		chat.setMaxIncoming(8);

		assertThatThrownBy(() -> chat.feedString("0123456789\n")).isInstanceOf(TooLongFrameException.class)
			.hasMessageContaining("exceeds 8 bytes");
		assertThat(chat.lines).isEmpty();
	}

	@Test
	void negativeCountIsRejected() {
		Lines chat = new Lines(this.reactor);

		assertThatThrownBy(() -> chat.setTerminator(-1L)).isInstanceOf(IllegalArgumentException.class);
		assertThat(chat.getTerminator()).isInstanceOf(Terminator.Delimiter.class);
	}

	@Test
	void discardBuffersDropsQueuedOutputAndHeldInput() throws IOException {
		Lines chat = new Lines(this.reactor);
		chat.push("queued before connect".getBytes(StandardCharsets.ISO_8859_1));
		chat.feedString("partial");
		assertThat(chat.pendingBytes()).isEqualTo(21);
		assertThat(chat.writable()).isTrue();

		chat.discardBuffers();

		assertThat(chat.pendingBytes()).isZero();
		assertThat(chat.writable()).isFalse();
		chat.feedString("\n");
		assertThat(chat.lines).containsExactly("");
	}

}
