package dev.asyncore.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples {@code example} lists are the ones the README and src/docs/asyncore.md count and show. */
class ExamplesDocsTest {

	private static final Map<String, Integer> NUMBERS = Map.of("three", 3, "four", 4, "five", 5, "six", 6, "seven", 7);

	private static final Pattern COUNTED = Pattern.compile("(\\w+) example programs");

	@Test
	void whenExampleIsGivenNoNameThenItListsEveryExampleOnStdoutAndExitsZero() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		int code = Examples.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));

		assertThat(code).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualToIgnoringNewLines(Examples.USAGE);
		assertThat(err.size()).isZero();
	}

	@Test
	void whenTheDocsCountTheExamplesThenTheyCountAndShowEveryOneListed() throws Exception {
		List<String> names = names();
		assertThat(names).hasSize(5);
		for (Path doc : List.of(Path.of("README.md"), Path.of("src/docs/asyncore.md"))) {
			String text = Files.readString(doc);
			Matcher counted = COUNTED.matcher(text);
			assertThat(counted.find()).as(doc + " counts the examples").isTrue();
			do {
				assertThat(NUMBERS.get(counted.group(1).toLowerCase())).as(doc + ": " + counted.group())
					.isEqualTo(names.size());
			}
			while (counted.find());
		}
		String guide = Files.readString(Path.of("src/docs/asyncore.md"));
		for (String name : names) {
			assertThat(guide).as("src/docs/asyncore.md shows example " + name).contains("example " + name + " ");
		}
	}

	private static List<String> names() {
		return Examples.USAGE.lines().map((line) -> line.replaceFirst("^usage:", "").strip().split("\\s+")[1]).toList();
	}

}
