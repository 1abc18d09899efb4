package dev.asyncore.boot.probes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.probe.config.SecretModules;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module file with every kind of secret it can hold, in the running service: {@code debug=true},
 * {@code /actuator/probes}, a refused reload and the whole log (at DEBUG) show {@code <secret>} and
 * never a value, while each probe still sends its credential to the target.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].host=127.0.0.1",
				"asyncore.listeners[0].port=0", "asyncore.blackbox.reload-check-interval=0",
				"logging.level.dev.asyncore=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class MaskedSecretsIT {

	private static final Path DIR;

	private static final HttpServer ORIGIN;

	/** The Authorization header of every request the origin received. */
	private static final Queue<String> SENT = new ConcurrentLinkedQueue<>();

	static {
		try {
			DIR = Files.createTempDirectory("masked-secrets");
			SecretModules.write(DIR);
			ORIGIN = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			ORIGIN.createContext("/", (exchange) -> {
				SENT.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
				exchange.sendResponseHeaders(200, 2);
				exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
				exchange.close();
			});
			ORIGIN.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void moduleFile(DynamicPropertyRegistry registry) {
		registry.add("asyncore.blackbox.config-file", () -> DIR.resolve("blackbox.yml").toString());
	}

	@AfterAll
	static void stopOrigin() {
		ORIGIN.stop(0);
	}

	@LocalServerPort
	int httpPort;

	@Autowired
	ReactorLifecycle reactor;

	private final HttpClient client = HttpClient.newHttpClient();

	private HttpResponse<String> send(int port, String method, String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void assertNoValue(String shown) {
		for (String value : SecretModules.VALUES) {
			assertThat(shown).doesNotContain(value);
		}
	}

	@Test
	void whenModulesHoldSecretsThenDebugTheProbesEndpointAReloadAndTheLogShowSecretOnly(CapturedOutput output)
			throws Exception {
		int blackbox = this.reactor.listener("blackbox").port();
		String origin = "127.0.0.1:" + ORIGIN.getAddress().getPort();
		for (String module : SecretModules.MODULES) {
			String target = module.startsWith("tcp") ? origin : URLEncoder.encode("http://" + origin + "/", StandardCharsets.UTF_8);
			HttpResponse<String> debug = send(blackbox, "GET", "/probe?debug=true&module=" + module + "&target=" + target);
			assertThat(debug.statusCode()).isEqualTo(200);
			assertThat(debug.body()).as(module).contains("probe_success 1", "Module configuration:\nprober: ");
			assertNoValue(debug.body());
			if (!module.endsWith("_file")) {
				assertThat(debug.body()).as(module).contains(": <secret>");
			}
		}
		assertThat(SENT).as("the probes still send each credential").contains(
				"Basic " + Base64.getEncoder().encodeToString("alice:pw-inline-1".getBytes(StandardCharsets.UTF_8)),
				"Basic " + Base64.getEncoder().encodeToString("bob:pw-file-2".getBytes(StandardCharsets.UTF_8)),
				"Bearer tok-inline-3", "Bearer tok-file-4", "Bearer hdr-auth-5");

		HttpResponse<String> probes = send(this.httpPort, "GET", "/actuator/probes");
		assertThat(probes.statusCode()).isEqualTo(200);
		assertThat(probes.body()).contains("\"password\":\"<secret>\"", "\"bearer_token\":\"<secret>\"",
				"\"X-Api-Key\":\"<secret>\"", "\"password_file\":\"password\"");
		assertNoValue(probes.body());

		Files.writeString(DIR.resolve("blackbox.yml"), """
				modules:
				  broken:
				    prober: http
				    http:
				      basic_auth: {username: alice, password: pw-inline-1, password_file: password}
				      bearer_token: tok-inline-3
				""");
		HttpResponse<String> reload = send(blackbox, "POST", "/-/reload");
		assertThat(reload.statusCode()).isEqualTo(500);
		assertNoValue(reload.body());

		assertThat(output.getAll()).contains("Keeping the previous modules");
		assertNoValue(output.getAll());
	}

}
