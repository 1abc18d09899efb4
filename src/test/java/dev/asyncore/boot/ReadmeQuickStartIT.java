package dev.asyncore.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start as a laptop runs it: the jar's embedded defaults (HTTP on loopback, no
 * credentials, so the caller is trusted), listeners moved to free ports. What the README says each
 * {@code curl} shows is what that caller gets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/application.yml", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.listeners[1].name=blackbox",
				"asyncore.listeners[1].type=blackbox", "asyncore.listeners[1].port=0" })
@Timeout(60)
class ReadmeQuickStartIT {

	private static final Pattern HEALTH = Pattern.compile("curl -s localhost:8080/actuator/health +# (\\{[^}]*})(.*)");

	@LocalServerPort
	private int port;

	@Test
	void whenTheTrustedLocalCallerReadsHealthThenItGetsWhatTheReadmeShows() throws IOException {
		Matcher line = HEALTH.matcher(Files.readString(Path.of("README.md")));
		assertThat(line.find()).as("README's quick start shows the body of /actuator/health").isTrue();
		Http http = new Http(this.port);

		JsonMapper json = JsonMapper.builder().build();
		assertThat(json.readValue(http.body("/actuator/health"), Map.class))
			.isEqualTo(json.readValue(line.group(1), Map.class));
		assertThat(line.group(2)).doesNotContain("listeners bound");
		assertThat(http.get("/actuator/health/reactor").statusCode()).as("details need the diagnostics scope")
			.isEqualTo(404);
		assertThat(http.body("/actuator/reactor")).as("the listeners, for the trusted caller")
			.contains("\"echo\"", "\"blackbox\"");
	}

}
