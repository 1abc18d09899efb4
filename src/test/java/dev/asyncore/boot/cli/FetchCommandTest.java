package dev.asyncore.boot.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fetch -o FILE} when the fetch fails: no file is left behind and an existing one is kept. */
@Timeout(30)
class FetchCommandTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int fetch(String... args) {
		return new FetchCommand(new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8))
			.run(args);
	}

	@Test
	void whenTheFetchFailsThenOutputLeavesNoFileBehind() throws Exception {
		Path file = this.dir.resolve("page.html");

		int code = fetch("-o", file.toString(), "http://127.0.0.1/");

		assertThat(code).isEqualTo(1);
		assertThat(file).doesNotExist();
		try (var left = Files.list(this.dir)) {
			assertThat(left).as("no temporary file either").isEmpty();
		}
		assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("fetch: http://127.0.0.1/: refused:")
			.contains("(set --allow-private to fetch it)");
	}

	@Test
	void whenTheFetchFailsThenAnExistingOutputFileIsKept() throws Exception {
		Path file = Files.writeString(this.dir.resolve("page.html"), "yesterday's page");

		assertThat(fetch("--output", file.toString(), "http://127.0.0.1/")).isEqualTo(1);

		assertThat(file).hasContent("yesterday's page");
	}

}
