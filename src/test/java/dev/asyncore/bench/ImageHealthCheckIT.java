package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile's HEALTHCHECK run as the engine runs it ({@code bash -c} with the container's
 * environment) against a loopback server on port 0: the liveness group on {@code MANAGEMENT_PORT}
 * in the default image, blackbox_exporter's {@code /-/healthy} on {@code ASYNCORE_BLACKBOX_PORT} in
 * the image built with {@code PROFILE=blackbox-slot}, and unhealthy on any status but 200.
 */
@Timeout(60)
class ImageHealthCheckIT {

	private static final Pattern CHECK = Pattern.compile("(?m) CMD \\[\"bash\", \"-c\", \"(.*)\"]$");

	@Test
	void whenTheImageHasTheDefaultProfileThenTheCheckAsksTheManagementPortForLiveness() throws Exception {
		try (Server server = new Server("200 OK")) {
			int status = check(Map.of("SPRING_PROFILES_ACTIVE", "", "MANAGEMENT_PORT", port(server)));
			assertThat(server.requestLine()).isEqualTo("GET /actuator/health/liveness HTTP/1.0");
			assertThat(status).isZero();
		}
	}

	@Test
	void whenTheImageIsTheBlackboxSlotThenTheCheckAsksTheBlackboxPortForHealthy() throws Exception {
		try (Server server = new Server("200 OK")) {
			int status = check(Map.of("SPRING_PROFILES_ACTIVE", "blackbox-slot", "ASYNCORE_BLACKBOX_PORT", port(server)));
			assertThat(server.requestLine()).isEqualTo("GET /-/healthy HTTP/1.0");
			assertThat(status).isZero();
		}
	}

	@Test
	void whenTheSlotAnswersAnythingButOkThenTheCheckFails() throws Exception {
		try (Server server = new Server("503 Service Unavailable")) {
			int status = check(Map.of("SPRING_PROFILES_ACTIVE", "other, blackbox-slot", "ASYNCORE_BLACKBOX_PORT", port(server),
					"MANAGEMENT_PORT", "1"));
			assertThat(server.requestLine()).isEqualTo("GET /-/healthy HTTP/1.0");
			assertThat(status).isNotZero();
		}
	}

	private static String port(Server server) {
		return String.valueOf(server.socket.getLocalPort());
	}

	/** The HEALTHCHECK's script in {@code bash -c} with only {@code env} and PATH; its exit status. */
	private static int check(Map<String, String> env) throws Exception {
		String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\n\\s*", " ");
		Matcher check = CHECK.matcher(dockerfile.substring(dockerfile.indexOf("\nHEALTHCHECK ")));
		assertThat(check.find()).as("HEALTHCHECK ... CMD [\"bash\", \"-c\", \"...\"]").isTrue();
		String script = check.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
		builder.environment().keySet().removeIf((name) -> !name.equals("PATH"));
		builder.environment().putAll(env);
		Process process = builder.start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the check ends within its timeout").isTrue();
		return process.exitValue();
	}

	/** One connection on 127.0.0.1: reads the request line, answers {@code status} and closes. */
	private static final class Server implements AutoCloseable {

		private final ServerSocket socket;

		private final CompletableFuture<String> requestLine;

		Server(String status) throws Exception {
			this.socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
			this.requestLine = CompletableFuture.supplyAsync(() -> {
				try (Socket peer = this.socket.accept()) {
					String line = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.ISO_8859_1))
						.readLine();
					OutputStream out = peer.getOutputStream();
					out.write(("HTTP/1.0 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
					return line;
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
		}

		String requestLine() throws Exception {
			return this.requestLine.get(30, TimeUnit.SECONDS);
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
		}

	}

}
