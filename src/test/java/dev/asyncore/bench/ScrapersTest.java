package dev.asyncore.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's load client frames answers as both exporters send them: Content-Length (ours) and chunked (Go's). */
@Timeout(30)
class ScrapersTest {

	private static final byte[] REQUEST = "GET /probe?target=x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

	@Test
	void eachAnswerIsReadWholeAndItsSuccessIsSeenWhateverItsFraming() throws Exception {
		String ok = "# TYPE probe_success gauge\nprobe_success 1\n";
		String failed = "# TYPE probe_success gauge\nprobe_success 0\n";
		List<String> answers = List.of(
				"HTTP/1.1 200 OK\r\nContent-Length: " + ok.length() + "\r\n\r\n" + ok,
				"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(10) + "\r\n"
						+ ok.substring(0, 10) + "\r\n" + Integer.toHexString(ok.length() - 10) + ";x=y\r\n" + ok.substring(10)
						+ "\r\n0\r\n\r\n",
				"HTTP/1.1 200 OK\r\ncontent-length: " + failed.length() + "\r\n\r\n" + failed,
				"HTTP/1.1 200 OK\r\nContent-Length: " + ok.length() + "\r\n\r\n" + ok);
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Integer> requests = CompletableFuture.supplyAsync(() -> serve(server, answers));
			try (Scrapers.Scraper scraper = new Scrapers.Scraper(server.getLocalPort())) {
				assertThat(scraper.probe(REQUEST)).isTrue();
				assertThat(scraper.probe(REQUEST)).isTrue();
				assertThat(scraper.probe(REQUEST)).isFalse();
				assertThat(scraper.probe(REQUEST)).isTrue();
				assertThat(scraper.answered).isEqualTo(4);
			}
			assertThat(requests.get()).isEqualTo(4);
		}
	}

	/** Answers each request with the next answer, one byte at a time for the second so that every boundary splits; returns the requests read. */
	private static int serve(ServerSocket server, List<String> answers) {
		try (Socket socket = server.accept()) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			int served = 0;
			for (String answer : answers) {
				in.readNBytes(REQUEST.length);
				byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
				if (served == 1) {
					for (byte b : bytes) {
						out.write(b);
						out.flush();
					}
				}
				else {
					out.write(bytes);
				}
				served++;
			}
			return served;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
