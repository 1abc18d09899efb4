package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.h2.H2Frames;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.H2TestServer;
import dev.asyncore.testsupport.TestCertificates;

/**
 * HTTP/2 over TLS (ALPN) against a real HTTP/2 server in the JVM (Netty's codec-http2, so no system
 * nginx is needed), the fallback to HTTP/1.1, and a hostile TLS server that answers with frames that
 * break RFC 9113.
 */
@Timeout(60)
class Http2IT {

	@TempDir
	static Path dir;

	static Path store;

	static H2TestServer server;

	static SSLContext trust;

	static byte[] large;

	private final ReactorThread loop = new ReactorThread("h2-it");

	private final Resolver localhost = host -> new InetAddress[] {
			InetAddress.getByAddress(host, new byte[] { 127, 0, 0, 1 }) };

	@BeforeAll
	static void start() throws Exception {
		store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		trust = TestCertificates.trusting(store);
		server = new H2TestServer(store);
		large = new byte[3 << 20];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i ^ (i >>> 9));
		}
		server.put("/large.bin", large);
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeLoop() throws InterruptedException {
		this.loop.close();
	}

	private Fetcher fetcher(long maxBody) {
		return Fetcher.builder(this.loop.reactor())
			.policy(FetchPolicy.builder().allowPrivateNetworks(true).maxBodySize(maxBody).build())
			.sslContext(trust)
			.resolver(this.localhost)
			.build();
	}

	private static Throwable failure(CompletableFuture<FetchResult> future) throws Exception {
		try {
			throw new AssertionError("expected a failure, got " + future.get(30, TimeUnit.SECONDS));
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	@Test
	void negotiatesH2ByAlpnAndFetches() throws Exception {
		try (Fetcher fetcher = fetcher(1 << 20)) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + server.h2Port() + "/hello"))
				.get(30, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/2.0");
			assertThat(result.status()).isEqualTo(200);
			assertThat(new String(result.body())).isEqualTo("hello over HTTP/2.0");
			assertThat(result.headers().firstValue("Content-Type")).hasValue("text/plain");
		}
	}

	@Test
	void aLargeBodyFlowsThroughTheWindowsIntact() throws Exception {
		try (Fetcher fetcher = fetcher(8 << 20)) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + server.h2Port() + "/large.bin"))
				.get(30, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/2.0");
			assertThat(result.bodySize()).isEqualTo(large.length);
			assertThat(result.sha256())
				.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(large)));
		}
	}

	@Test
	void theBodyLimitHolds() throws Exception {
		try (Fetcher fetcher = fetcher(100_000)) {
			Throwable failure = failure(
					fetcher.fetch(URI.create("https://localhost:" + server.h2Port() + "/large.bin")));

			assertThat(failure).isInstanceOf(FetchException.TooLarge.class).hasMessageContaining("100000");
		}
	}

	@Test
	void aHeadRequestHasNoBodyWhateverItsContentLength() throws Exception {
		try (Fetcher fetcher = fetcher(100_000)) {
			FetchResult result = fetcher
				.fetch(URI.create("https://localhost:" + server.h2Port() + "/large.bin"), FetchOptions.head())
				.get(30, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/2.0");
			assertThat(result.status()).isEqualTo(200);
			assertThat(result.headers().firstValueAsLong("content-length")).hasValue(large.length);
			assertThat(result.bodySize()).isZero();
		}
	}

	@Test
	void redirectsAreFollowedOverH2() throws Exception {
		try (Fetcher fetcher = fetcher(1 << 20)) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + server.h2Port() + "/redirect"))
				.get(30, TimeUnit.SECONDS);

			assertThat(result.status()).isEqualTo(200);
			assertThat(result.redirects()).hasSize(1);
			assertThat(result.version()).isEqualTo("HTTP/2.0");
		}
	}

	@Test
	void aServerWithoutH2GetsHttp11() throws Exception {
		try (Fetcher fetcher = fetcher(1 << 20)) {
			FetchResult result = fetcher.fetch(URI.create("https://localhost:" + server.http1Port() + "/hello"))
				.get(30, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/1.1");
			assertThat(new String(result.body())).isEqualTo("hello over HTTP/1.1");
		}
	}

	@Test
	void http2CanBeTurnedOff() throws Exception {
		try (Fetcher fetcher = fetcher(1 << 20)) {
			FetchResult result = fetcher
				.fetch(URI.create("https://localhost:" + server.h2Port() + "/hello"),
						FetchOptions.get().request(RequestOptions.NONE.http2(false)))
				.get(30, TimeUnit.SECONDS);

			assertThat(result.version()).isEqualTo("HTTP/1.1");
			assertThat(new String(result.body())).isEqualTo("hello over HTTP/1.1");
		}
	}

	@Test
	void anOversizedFrameFailsTheFetchAndTheServerGetsGoAway() throws Exception {
		try (HostileH2 server = new HostileH2(H2Frames.frame(H2Frames.DATA, 0, 1, new byte[20_000]));
				Fetcher fetcher = fetcher(1 << 20)) {
			Throwable failure = failure(fetcher.fetch(URI.create("https://localhost:" + server.port() + "/")));

			assertThat(failure).isInstanceOf(FetchException.Protocol.class)
				.hasMessageContaining("FRAME_SIZE_ERROR")
				.hasMessageContaining("127.0.0.1");
			assertThat(server.received()).anyMatch(f -> f.type() == H2Frames.GOAWAY && f.errorCode() == 0x6);
		}
	}

	@Test
	void badHpackFailsTheFetch() throws Exception {
		byte[] bad = H2Frames.frame(H2Frames.HEADERS, 0x4, 1, new byte[] { (byte) 0xff, (byte) 0xff, 0x7f });
		try (HostileH2 server = new HostileH2(bad); Fetcher fetcher = fetcher(1 << 20)) {
			Throwable failure = failure(fetcher.fetch(URI.create("https://localhost:" + server.port() + "/")));

			assertThat(failure).isInstanceOf(FetchException.Protocol.class).hasMessageContaining("COMPRESSION_ERROR");
		}
	}

	@Test
	void aStreamFloodFailsTheFetch() throws Exception {
		List<byte[]> streams = new ArrayList<>();
		for (int id = 2; id < 200; id += 2) {
			streams.add(H2Frames.headers(0, id, ":status", "200"));
		}
		try (HostileH2 server = new HostileH2(H2Frames.concat(streams.toArray(new byte[0][])));
				Fetcher fetcher = fetcher(1 << 20)) {
			Throwable failure = failure(fetcher.fetch(URI.create("https://localhost:" + server.port() + "/")));

			assertThat(failure).isInstanceOf(FetchException.Protocol.class)
				.hasMessageContaining("PROTOCOL_ERROR")
				.hasMessageContaining("stream 2");
		}
	}

	/**
	 * A TLS server that chooses h2 by ALPN, reads the client's preface and request headers, sends
	 * its SETTINGS and then {@code script}, and records what the client sends until it closes.
	 */
	static final class HostileH2 implements AutoCloseable {

		private final SSLServerSocket server;

		private final Thread thread;

		private final CompletableFuture<List<H2Frames.Frame>> received = new CompletableFuture<>();

		HostileH2(byte[] script) throws Exception {
			this.server = (SSLServerSocket) TestCertificates.serving(store)
				.getServerSocketFactory()
				.createServerSocket(0, 1, InetAddress.getLoopbackAddress());
			SSLParameters parameters = this.server.getSSLParameters();
			parameters.setApplicationProtocols(new String[] { "h2" });
			this.server.setSSLParameters(parameters);
			this.thread = new Thread(() -> serve(script), "hostile-h2");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		List<H2Frames.Frame> received() throws Exception {
			return this.received.get(20, TimeUnit.SECONDS);
		}

		private void serve(byte[] script) {
			try (SSLSocket socket = (SSLSocket) this.server.accept()) {
				socket.setSoTimeout(15_000);
				DataInputStream in = new DataInputStream(socket.getInputStream());
				byte[] preface = new byte[H2Frames.PREFACE.length];
				in.readFully(preface);
				List<H2Frames.Frame> frames = new ArrayList<>();
				H2Frames.Frame frame;
				do {
					frame = readFrame(in);
					frames.add(frame);
				}
				while (frame.type() != H2Frames.HEADERS);
				OutputStream out = socket.getOutputStream();
				out.write(H2Frames.settings());
				out.write(script);
				out.flush();
				try {
					while (true) {
						frames.add(readFrame(in));
					}
				}
				catch (IOException ex) {
					this.received.complete(frames); // the client closed
				}
			}
			catch (IOException ex) {
				this.received.completeExceptionally(ex);
			}
		}

		private static H2Frames.Frame readFrame(DataInputStream in) throws IOException {
			byte[] header = new byte[9];
			in.readFully(header);
			int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
			byte[] payload = new byte[length];
			in.readFully(payload);
			return H2Frames.parse(H2Frames.concat(header, payload)).get(0);
		}

		@Override
		public void close() throws Exception {
			this.server.close();
			this.thread.join(5000);
		}

	}

}
