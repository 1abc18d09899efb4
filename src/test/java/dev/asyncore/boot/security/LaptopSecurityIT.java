package dev.asyncore.boot.security;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.security.SecurityMatrix.Endpoint;

import static dev.asyncore.boot.security.SecurityMatrix.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's built-in configuration as {@code ./mvnw spring-boot:run} starts it: HTTP on loopback,
 * no credentials configured, so everything answers without them; a wrong credential is still
 * refused, and health shows no details to an anonymous caller.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.fetch.allow-private-networks=true" })
@Timeout(120)
class LaptopSecurityIT {

	static final List<Caller> CALLERS = List.of(Caller.NONE, Caller.WRONG_TOKEN);

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Test
	void whenStartedWithTheBuiltInDefaultsThenHttpIsOnLoopback() {
		assertThat(this.environment.getProperty("server.address")).isEqualTo("127.0.0.1");
	}

	@Test
	void whenNoCredentialsAreConfiguredOnLoopbackThenEveryEndpointAnswersWithoutThem() {
		// columns: none, wrong token
		new SecurityMatrix(this.port, this.port, false).check(Map.ofEntries(
				Map.entry(Endpoint.GET_FETCH, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.POST_FETCH, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.PROBE, row(CALLERS, 404, 401)),
				Map.entry(Endpoint.HEALTH, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.LIVENESS, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.INFO, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.PROMETHEUS, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.REACTOR, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.PROBES, row(CALLERS, 200, 401)),
				Map.entry(Endpoint.LINKS, row(CALLERS, 200, 401))));
	}

	@Test
	void whenErrorIsAskedForDirectlyThenItServesNothingEvenToCallersWithEveryScope() throws Exception {
		try (Socket socket = Loopback.connect(this.port)) {
			socket.getOutputStream()
				.write("GET /error HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			String answer = new String(Loopback.readToEnd(socket.getInputStream()), StandardCharsets.UTF_8);
			assertThat(answer).startsWith("HTTP/1.1 404").contains("application/problem+json",
					"urn:asyncore:request:not_found");
		}
	}

	@Test
	void whenTomcatRejectsAMalformedRequestThenItNamesNoServerOrVersion() throws Exception {
		try (Socket socket = Loopback.connect(this.port)) {
			socket.getOutputStream().write("GET /fetch?url=\u0001 BAD\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			String answer = new String(Loopback.readToEnd(in), StandardCharsets.ISO_8859_1);
			assertThat(answer).startsWith("HTTP/1.1 400");
			assertThat(answer.toLowerCase()).doesNotContain("tomcat").doesNotContain("apache").doesNotContain("server:");
		}
	}

}
