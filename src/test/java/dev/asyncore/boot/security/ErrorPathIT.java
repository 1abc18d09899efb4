package dev.asyncore.boot.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.asyncore.boot.Loopback;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /error} asked for directly is a guarded path that serves nothing: {@code 401} for a caller
 * without credentials, {@code 404} for one with them, never Boot's {@code 500}; an error of a real
 * request (an exception no handler answered, a path the firewall refused) still reaches it and is a
 * problem detail. Raw sockets, so that the refused paths reach the server as written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.security.tokens[0].name=all",
				"asyncore.security.tokens[0].hash=sha256:b9aefc18e8c916ee614a2bc47f0044f38845e9b2704066c1227021ba29c429bd" })
@Timeout(60)
class ErrorPathIT {

	@LocalServerPort
	int port;

	@Test
	void whenErrorIsAskedForDirectlyThenAStrangerGets401AndACaller404() throws IOException {
		String stranger = get("/error", null);
		assertThat(stranger).startsWith("HTTP/1.1 401").contains("application/problem+json",
				"urn:asyncore:security:unauthenticated");
		assertThat(get("/error", "Bearer wrong")).startsWith("HTTP/1.1 401");
		String caller = get("/error", Caller.TOKEN.authorization);
		assertThat(caller).startsWith("HTTP/1.1 404").contains("application/problem+json",
				"\"type\":\"urn:asyncore:request:not_found\"", "\"instance\":\"/error\"").doesNotContain("999");
		assertThat(get("/error?x=1", Caller.TOKEN.authorization)).startsWith("HTTP/1.1 404");
	}

	@Test
	void whenARealRequestFailsThenItsErrorIsStillAProblemDetail() throws IOException {
		String thrown = get("/boom", Caller.TOKEN.authorization);
		assertThat(thrown).startsWith("HTTP/1.1 500").contains("application/problem+json",
				"\"type\":\"urn:asyncore:request:internal_server_error\"", "\"instance\":\"/boom\"")
			.doesNotContain("kaboom");
		for (String refused : new String[] { "/fetch;a=b?url=x", "/fetch/%2e%2e/x" }) {
			for (String authorization : new String[] { null, Caller.TOKEN.authorization }) {
				assertThat(get(refused, authorization)).as(refused).startsWith("HTTP/1.1 400")
					.contains("application/problem+json", "\"type\":\"urn:asyncore:request:bad_request\"");
			}
		}
		assertThat(get("/nothing-here", Caller.TOKEN.authorization)).startsWith("HTTP/1.1 404")
			.contains("urn:asyncore:request:not_found");
		assertThat(get("/nothing-here", null)).startsWith("HTTP/1.1 401");
	}

	private String get(String path, String authorization) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), Loopback.READ_TIMEOUT_MILLIS);
			socket.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ ((authorization != null) ? "Authorization: " + authorization + "\r\n" : "")
					+ "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Failing {

		@Bean
		Boom boom() {
			return new Boom();
		}

	}

	/** An endpoint whose handler throws: the container's error dispatch renders its 500. */
	@RestController
	static class Boom {

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("kaboom");
		}

	}

}
