package dev.asyncore.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The five example programs, run from the built jar exactly as the README shows. */
@Timeout(120)
class ExamplesIT {

	private static Path jar;

	@TempDir
	Path dir;

	@BeforeAll
	static void findJar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter(p -> p.getFileName().toString().matches("asyncore-service-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("run the package phase first: no jar in target/"));
		}
	}

	@Test
	void httpClientExampleDownloadsTwoPagesInOneLoopAndLogsEachHook() throws Exception {
		HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
		origin.createContext("/", exchange -> {
			byte[] body = ("page " + exchange.getRequestURI().getPath() + "\n").repeat(200).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		origin.start();
		try {
			String base = "http://127.0.0.1:" + origin.getAddress().getPort();
			Result result = run("example", "http-client", base + "/one", base + "/two");
			assertThat(result.code).isZero();
			assertThat(result.out).contains(base + "/one: HTTP/1.1 200 OK").contains(base + "/two: HTTP/1.1 200 OK");
			assertThat(result.out).contains("handle_connect()", "writable() -> true", "handle_write()", "handle_read()",
					"handle_close()", "LOOP DONE");
		}
		finally {
			origin.stop(0);
		}
	}

	@Test
	void echoExampleRunsServerAndClientInOneMapUntilTheMapIsEmpty() throws Exception {
		Result result = run("example", "echo", "hello", "asyncore");
		assertThat(result.code).isZero();
		assertThat(result.out).contains("RECEIVED COPY OF MESSAGE: hello asyncore").contains("map size after loop: 0");
	}

	@Test
	void loopExampleStepsTheClientOnePassPerCall() throws Exception {
		Result result = run("example", "loop");
		assertThat(result.code).isZero();
		long passes = result.out.lines().filter(line -> line.contains("loop_counter=")).count();
		assertThat(result.out).contains("outer loop ran " + passes + " passes");
		// 44 bytes in 8-byte writes and reads: one read or write per call takes well over 6 passes
		assertThat(passes).isGreaterThan(6);
	}

	@Test
	void fileExampleReadsAFileInChunksAndLogsEachChunk() throws Exception {
		Path file = Files.writeString(this.dir.resolve("lorem.txt"), "0123456789".repeat(10));
		Result result = run("example", "file", file.toString(), "32");
		assertThat(result.code).isZero();
		assertThat(result.out.lines().filter(line -> line.contains("READ: (32 bytes)")).count()).isEqualTo(3);
		assertThat(result.out).contains("READ: (4 bytes) \"6789\"").contains("read 100 bytes from " + file);
	}

	@Test
	void fileExampleCountsBytesNotCharacters() throws Exception {
		// "é" is two bytes in UTF-8: 6 characters, 9 bytes, logged in 3-byte chunks
		Path file = Files.writeString(this.dir.resolve("utf8.txt"), "aéaéaé", StandardCharsets.UTF_8);
		Result result = run("example", "file", file.toString(), "3");
		assertThat(result.code).isZero();
		assertThat(result.out.lines().filter(line -> line.contains("READ: (3 bytes)")).count()).isEqualTo(3);
		assertThat(result.out).contains("read 9 bytes");
	}

	@Test
	void fileExampleExitsOneForAnUnreadableFileAndTwoForABadChunk() throws Exception {
		Result missing = run("example", "file", "/nonexistent");
		assertThat(missing.code).isEqualTo(1);
		assertThat(missing.out).contains("cannot read /nonexistent");
		Path file = Files.writeString(this.dir.resolve("x.txt"), "x");
		for (String chunk : List.of("-5", "0", "many")) {
			Result bad = run("example", "file", file.toString(), chunk);
			assertThat(bad.code).as(chunk).isEqualTo(2);
			assertThat(bad.out).contains("CHUNK must be a positive number", "usage: example");
		}
	}

	@Test
	void sendFileExampleServesAFileWithSendFileToAClientInTheSameMap() throws Exception {
		byte[] data = new byte[3 * 1024 * 1024 + 17];
		new java.util.Random(5).nextBytes(data);
		Path file = Files.write(this.dir.resolve("payload.bin"), data);
		String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
		Result result = run("example", "send-file", file.toString());
		assertThat(result.code).isZero();
		assertThat(result.out).contains("sent " + data.length + " bytes of " + file)
			.contains("the client received " + data.length + " bytes, sha256 " + sha256);
	}

	@Test
	void exampleWithoutANameListsTheFiveOnStdoutAndExitsZero() throws Exception {
		Result result = run("example");
		assertThat(result.code).isZero();
		assertThat(result.out).contains("example http-client", "example echo", "example loop", "example file",
				"example send-file");
	}

	@Test
	void unknownExampleExitsWithUsage() throws Exception {
		Result result = run("example", "nope");
		assertThat(result.code).isEqualTo(2);
		assertThat(result.out).contains("unknown example 'nope'").contains("usage: example http-client");
	}

	private Result run(String... args) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), out);
	}

	private record Result(int code, String out) {
	}

}
