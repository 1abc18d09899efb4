package dev.asyncore.boot.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import dev.asyncore.boot.security.Credentials;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hash-token} and {@code hash-password}: what they print is what the configuration accepts. */
class HashCommandTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void whenAskedForANewTokenThenItPrintsTheTokenAndItsHash() {
		assertThat(HashCommand.token(new String[0], stdin(""), print(this.out), print(this.err))).isZero();
		String[] lines = text(this.out).split("\n");
		assertThat(lines[0]).startsWith("token: ");
		String token = lines[0].substring("token: ".length());
		assertThat(lines[1]).isEqualTo("hash:  " + Credentials.hashToken(token));
		assertThat(text(this.err)).contains("ASYNCORE_SECURITY_TOKEN_HASH");
	}

	@Test
	void whenATokenIsPipedInThenItPrintsItsHashOnly() {
		assertThat(HashCommand.token(new String[] { "-" }, stdin("test-token-all\n"), print(this.out), print(this.err)))
			.isZero();
		assertThat(text(this.out)).isEqualTo("sha256:b9aefc18e8c916ee614a2bc47f0044f38845e9b2704066c1227021ba29c429bd\n");
	}

	@Test
	void whenAPasswordIsPipedInThenItPrintsABcryptHashThatVerifies() {
		assertThat(HashCommand.password(new String[0], stdin("hunter2\n"), print(this.out), print(this.err))).isZero();
		String hash = text(this.out).strip();
		assertThat(hash).startsWith("$2a$10$").hasSize(60);
		assertThat(new BCryptPasswordEncoder().matches("hunter2", hash)).isTrue();
	}

	@Test
	void whenNothingIsPipedInOrTheArgumentsAreWrongThenItFailsWithAMessage() {
		assertThat(HashCommand.password(new String[0], stdin(""), print(this.out), print(this.err))).isEqualTo(1);
		assertThat(text(this.err)).contains("Nothing on standard input");
		assertThat(HashCommand.token(new String[] { "secret-as-argument" }, stdin(""), print(this.out),
				print(this.err))).isEqualTo(2);
		assertThat(text(this.out)).isEmpty();
	}

	private static ByteArrayInputStream stdin(String text) {
		return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
	}

	private static PrintStream print(ByteArrayOutputStream bytes) {
		return new PrintStream(bytes, true, StandardCharsets.UTF_8);
	}

	private static String text(ByteArrayOutputStream bytes) {
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
