package dev.asyncore.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.asyncore.chat.AsyncChatTest.Lines;
import dev.asyncore.core.Reactor;

/** asynchat treats a false terminator (0) like None: everything is collected, no unit ends. */
class ZeroTerminatorTest {

	private final Reactor reactor = new Reactor("zero-terminator");

	@AfterEach
	void close() {
		this.reactor.close();
	}

	@Test
	void whenTerminatorIsZeroThenEverythingIsCollectedAndNoUnitEnds() throws IOException {
		Lines chat = new Lines(this.reactor);
		chat.setTerminator(0L);

		chat.feedString("hello\nworld\n");

		assertThat(chat.getTerminator()).isEqualTo(Terminator.NONE);
		assertThat(chat.lines).isEmpty();
		assertThat(new String(chat.incomingData(), StandardCharsets.ISO_8859_1))
			.isEqualTo("hello\nworld\n");
	}

}
