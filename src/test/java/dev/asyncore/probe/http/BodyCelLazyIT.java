package dev.asyncore.probe.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cel-java and Guava load only when a module file has a CEL expression: in a JVM of its own (this
 * one has loaded them for other tests), a file of http modules without CEL loads none of their
 * classes, and one with an expression does.
 */
@Timeout(60)
class BodyCelLazyIT {

	/** Parses the module file given as the argument, then exits. */
	public static final class Parse {

		public static void main(String[] args) {
			ModuleFile modules = ModuleFile.parse(args[0], null, Probers.standard().kinds());
			System.out.println("parsed " + modules.modules().size());
		}

	}

	private static List<String> celClassesLoaded(String moduleFile) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-Xshare:off", "-Xlog:class+load=info", "-cp",
				System.getProperty("java.class.path"), Parse.class.getName(), moduleFile)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("parsed ");
		return output.lines().filter(line -> line.contains(" dev.cel.") || line.contains(" com.google.common.")).toList();
	}

	@Test
	void aModuleFileWithoutCelLoadsNoneOfIt() throws Exception {
		assertThat(celClassesLoaded("""
				modules:
				  web:
				    prober: http
				    http:
				      fail_if_body_not_matches_regexp: ["ok"]
				""")).isEmpty();
	}

	@Test
	void aModuleFileWithAnExpressionLoadsIt() throws Exception {
		assertThat(celClassesLoaded("""
				modules:
				  json:
				    prober: http
				    http:
				      fail_if_body_json_not_matches_cel: "body.ok == true"
				""")).isNotEmpty();
	}

}
