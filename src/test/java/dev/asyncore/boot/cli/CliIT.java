package dev.asyncore.boot.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, run from the built jar as a separate process against loopback servers. */
@Timeout(120)
class CliIT {

	private static Path jar;

	private static HttpServer origin;

	private static byte[] large;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter((p) -> p.getFileName().toString().matches("asyncore-service-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("run the package phase first: no jar in target/"));
		}
		large = new byte[3 << 20];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i * 31 + (i >>> 11));
		}
		origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
		origin.createContext("/one", (exchange) -> send(exchange, 200, "first page\n".getBytes()));
		origin.createContext("/two", (exchange) -> send(exchange, 200, "second page\n".getBytes()));
		origin.createContext("/large", (exchange) -> send(exchange, 200, large));
		origin.createContext("/missing", (exchange) -> send(exchange, 404, "nope".getBytes()));
		origin.setExecutor(Executors.newFixedThreadPool(4));
		origin.start();
	}

	@AfterAll
	static void stop() {
		origin.stop(0);
	}

	private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private static String url(String path) {
		return "http://127.0.0.1:" + origin.getAddress().getPort() + path;
	}

	@Test
	void fetchWritesBodiesInArgumentOrderToStdoutAndHeadsToStderrWithoutStartingSpring() throws Exception {
		Result result = run("fetch", "--allow-private", url("/two"), url("/one"));

		assertThat(result.code).as(result.err).isZero();
		assertThat(new String(result.out, StandardCharsets.UTF_8)).isEqualTo("second page\nfirst page\n");
		assertThat(result.err).contains("HTTP/1.1 200 OK", "Content-type: application/octet-stream",
				url("/one"), url("/two"));
		assertThat(result.err).doesNotContain("Spring Boot", "Tomcat", "DEBUG");
	}

	@Test
	void fetchWithOutputWritesTheWholeBodyToTheFile() throws Exception {
		Path file = this.dir.resolve("large.bin");
		Result result = run("fetch", "--allow-private", "--output", file.toString(), url("/large"));

		assertThat(result.code).as(result.err).isZero();
		assertThat(result.out).isEmpty();
		assertThat(Files.readAllBytes(file)).isEqualTo(large);
		assertThat(result.err).contains("3145728 bytes, sha256 ");
	}

	@Test
	void fetchHeadPrintsTheHeadAndNoBody() throws Exception {
		Result result = run("fetch", "--head", "--allow-private", url("/large"));

		assertThat(result.code).as(result.err).isZero();
		assertThat(result.out).isEmpty();
		assertThat(result.err).contains("HTTP/1.1 200 OK", "Content-type: application/octet-stream", ": 0 bytes");
	}

	@Test
	void eachFailedUrlGetsOneLineAndTheExitCodeIsOneWhileTheOthersAreStillWritten() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		Result result = run("fetch", "--allow-private", url("/one"), url("/missing"), "ftp://x/",
				"http://127.0.0.1:" + closed + "/", url("/two"));

		assertThat(result.code).isEqualTo(1);
		assertThat(new String(result.out, StandardCharsets.UTF_8)).isEqualTo("first page\nsecond page\n");
		List<String> failures = result.err.lines().filter((line) -> line.startsWith("fetch: ")).toList();
		assertThat(failures).hasSize(3);
		assertThat(failures.get(0)).isEqualTo("fetch: " + url("/missing") + ": HTTP 404 Not Found");
		assertThat(failures.get(1)).startsWith("fetch: ftp://x/: ");
		assertThat(failures.get(2)).startsWith("fetch: http://127.0.0.1:" + closed + "/: connect: ");
	}

	@Test
	void fetchRefusesLoopbackWithoutAllowPrivate() throws Exception {
		Result result = run("fetch", url("/one"));

		assertThat(result.code).isEqualTo(1);
		assertThat(result.out).isEmpty();
		assertThat(result.err.strip()).startsWith("fetch: " + url("/one") + ": refused: ")
			.contains("(set --allow-private to fetch it)")
			.doesNotContain("\n");
	}

	@Test
	void badUsageExitsTwoWithUsage() throws Exception {
		assertThat(run("fetch").code).isEqualTo(2);
		Result unknown = run("fetch", "--nope", url("/one"));
		assertThat(unknown.code).isEqualTo(2);
		assertThat(unknown.err).contains("unknown option --nope", "usage: fetch");
		assertThat(run("echo-client", "127.0.0.1").code).isEqualTo(2);
	}

	@Test
	void fetchPrintsTheStatusLineWithTheVersionTheServerAnswered() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> origin = CompletableFuture.runAsync(() -> {
				try (Socket socket = server.accept()) {
					socket.setSoTimeout(10_000);
					InputStream in = socket.getInputStream();
					StringBuilder head = new StringBuilder();
					int b;
					while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
						head.append((char) b);
					}
					socket.getOutputStream()
						.write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold".getBytes(StandardCharsets.ISO_8859_1));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			Result result = run("fetch", "--allow-private", "http://127.0.0.1:" + server.getLocalPort() + "/");

			assertThat(result.code).as(result.err).isZero();
			assertThat(result.err).contains("HTTP/1.0 200 OK").doesNotContain("HTTP/1.1");
			assertThat(new String(result.out, StandardCharsets.UTF_8)).isEqualTo("old");
			origin.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void helpPrintsEveryModeAndExitsZeroWithoutStartingTheService() throws Exception {
		for (String flag : List.of("--help", "help", "-h")) {
			Result result = run(flag);
			String out = new String(result.out, StandardCharsets.UTF_8);
			assertThat(result.code).as(flag).isZero();
			assertThat(out).contains("run the service", "fetch [--head]", "echo-client HOST PORT TEXT",
					"example http-client|echo|loop|file");
			assertThat(out + result.err).doesNotContain("Tomcat", "Started AsyncoreApplication");
		}
	}

	@Test
	void echoClientPrintsTheEchoAndExitsZero() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
				try (Socket socket = server.accept()) {
					socket.setSoTimeout(10_000);
					InputStream in = socket.getInputStream();
					in.transferTo(socket.getOutputStream()); // until the client half-closes
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			Result result = run("echo-client", "127.0.0.1", Integer.toString(server.getLocalPort()), "hello asyncore");

			assertThat(result.code).as(result.err).isZero();
			assertThat(new String(result.out, StandardCharsets.UTF_8)).isEqualTo("hello asyncore\n");
			echo.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void echoClientFailsWithOneLineWhenNothingListens() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		Result result = run("echo-client", "127.0.0.1", Integer.toString(closed), "hello");

		assertThat(result.code).isEqualTo(1);
		assertThat(result.err).contains("echo-client: ");
	}

	private Result run(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
		command.addAll(List.of(args));
		Path err = this.dir.resolve("stderr-" + System.nanoTime());
		Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
		byte[] out = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), out, Files.readString(err));
	}

	private record Result(int code, byte[] out, String err) {
	}

}
