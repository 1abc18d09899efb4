package dev.asyncore.boot;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ContainerConfiguration#EPHEMERAL_PORTS} covers every port of {@code config/application.yml},
 * and every test that loads that file uses it: no test binds the container's fixed ports.
 */
class ContainerConfigurationTest {

	private static final Path FILE = Path.of("config/application.yml");

	private static final Pattern PORT_PLACEHOLDER = Pattern.compile("port:\\s*\\$\\{([A-Z0-9_]+):");

	@Test
	void whenTheContainerFileIsLoadedWithEphemeralPortsThenEveryListenerAndServerPortIsZero() {
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withPropertyValues(ContainerConfiguration.LOCATION)
			.withPropertyValues(ContainerConfiguration.EPHEMERAL_PORTS.lines().toArray(String[]::new))
			.run((context) -> {
				Environment environment = context.getEnvironment();
				List<String> ports = new ArrayList<>(List.of("server.port", "management.server.port"));
				for (int i = 0; environment.containsProperty("asyncore.listeners[" + i + "].name"); i++) {
					if (!environment.containsProperty("asyncore.listeners[" + i + "].path")) {
						ports.add("asyncore.listeners[" + i + "].port");
					}
				}
				assertThat(ports).as("the file's listeners").hasSizeGreaterThan(4);
				for (String port : ports) {
					assertThat(environment.getProperty(port)).as(port).isEqualTo("0");
				}
			});
	}

	@Test
	void whenTheContainerFileNamesAPortPlaceholderThenEphemeralPortsSetsItToZero() throws IOException {
		Properties ephemeral = new Properties();
		ephemeral.load(new StringReader(ContainerConfiguration.EPHEMERAL_PORTS));
		Matcher placeholder = PORT_PLACEHOLDER.matcher(Files.readString(FILE));
		List<String> names = new ArrayList<>();
		while (placeholder.find()) {
			names.add(placeholder.group(1));
		}
		assertThat(names).contains("ASYNCORE_BLACKBOX_PORT", "MANAGEMENT_PORT");
		for (String name : names) {
			assertThat(ephemeral.getProperty(name)).as(name).isEqualTo("0");
		}
	}

	@Test
	void whenATestStartsAServerOnTheContainerFileThenItSetsEveryPortPlaceholder() throws IOException {
		List<Path> servers;
		try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
			servers = files.filter((file) -> file.toString().endsWith(".java"))
				.filter((file) -> !file.getFileName().toString().startsWith("ContainerConfiguration"))
				.filter((file) -> {
					String source = read(file);
					return (source.contains("file:config/application.yml")
							|| source.contains("ContainerConfiguration.LOCATION")) && startsAServer(source);
				})
				.toList();
		}
		assertThat(servers).as("ContainerSecurityIT at least").isNotEmpty();
		for (Path file : servers) {
			assertThat(read(file)).as(file + " starts a server on the container's file")
				.contains("ContainerConfiguration.EPHEMERAL_PORTS");
		}
	}

	/** A Spring Boot test with a web environment, or a process: what binds the file's ports. */
	private static boolean startsAServer(String source) {
		return source.contains("WebEnvironment.RANDOM_PORT") || source.contains("WebEnvironment.DEFINED_PORT")
				|| source.contains("ProcessBuilder") || source.contains("SpringApplication");
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
