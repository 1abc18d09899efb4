package dev.asyncore.probe.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.tls.TlsServerContext;

import static dev.asyncore.probe.http.BodyDecoderTest.deflate;
import static dev.asyncore.probe.http.BodyDecoderTest.gzip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The http prober's body on a real loop against loopback origins: decoding follows the module's
 * {@code compression} as blackbox_exporter's does, a body that does not decode fails the probe with
 * the response still reported, a gzip bomb stops at {@code body_size_limit} (or the service's
 * limit, or the probe's memory share) after a slice per loop pass, and the loop keeps its timers.
 */
@Timeout(120)
class HttpBodyIT {

	private static final String MODULES = """
			modules:
			  gzip: {prober: http, timeout: 10s, http: {compression: gzip}}
			  gzip_match: {prober: http, timeout: 10s, http: {compression: gzip, fail_if_body_not_matches_regexp: ["hello"]}}
			  deflate: {prober: http, timeout: 10s, http: {compression: deflate}}
			  identity_match: {prober: http, timeout: 10s, http: {compression: identity, fail_if_body_not_matches_regexp: ["hello"]}}
			  plain_match: {prober: http, timeout: 10s, http: {fail_if_body_not_matches_regexp: ["hello"]}}
			  gzip_1mb: {prober: http, timeout: 10s, http: {compression: gzip, body_size_limit: 1MB}}
			  plain_1kb: {prober: http, timeout: 10s, http: {body_size_limit: 1KB}}
			  gzip_2gb: {prober: http, timeout: 60s, http: {compression: gzip, body_size_limit: 2GB}}
			""";

	private static final byte[] HELLO = "hello world, ".repeat(100).getBytes(StandardCharsets.UTF_8);

	private final ReactorThread loop = new ReactorThread("http-body-it");

	private Origin origin;

	@TempDir
	Path dir;

	@AfterEach
	void stop() throws Exception {
		if (this.origin != null) {
			this.origin.close();
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	/** One probe's outcome, report and log. */
	record Probe(HttpProber.Outcome outcome, ProbeReport report, List<String> log, Duration took) {

		double metric(String name) {
			Double value = this.report.value(name);
			assertThat(value).as(name + " in\n" + this.report.render()).isNotNull();
			return value;
		}

		String logText() {
			return String.join("\n", this.log);
		}

	}

	private HttpProber prober(FetchPolicy policy, ProbeMemory memory) throws Exception {
		return this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(), policy,
				InetAddress::getAllByName, memory));
	}

	private HttpProber prober() throws Exception {
		return prober(FetchPolicy.builder().allowPrivateNetworks(true).build(), new ProbeMemory(256L << 20));
	}

	static Probe probe(HttpProber prober, String modules, String module, Path base, String target) throws Exception {
		return probe(prober, ModuleFile.parse(modules, base, Probers.standard().kinds()), module, target);
	}

	/** One probe of {@code target} with {@code module} of a loaded file (its options kept across probes). */
	static Probe probe(HttpProber prober, ModuleFile file, String module, String target) throws Exception {
		HttpOptions options = file.module(module).options(HttpOptions.KIND);
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog(module, target);
		long start = System.nanoTime();
		HttpProber.Outcome outcome = prober.probe(options, target, Duration.ofSeconds(60), report, log)
			.get(100, TimeUnit.SECONDS);
		return new Probe(outcome, report, log.lines(), Duration.ofNanos(System.nanoTime() - start));
	}

	private Probe probe(HttpProber prober, String module, String path) throws Exception {
		return probe(prober, MODULES, module, null, this.origin.url(path));
	}

	private void serve(String headers, byte[] body) throws IOException {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, headers, body));
	}

	@Test
	void theModulesCompressionDecidesWhateverContentEncodingSays() throws Exception {
		byte[] raw = deflate(HELLO, true);
		byte[] zlib = deflate(HELLO, false);
		byte[] gzip = gzip(HELLO);
		HttpProber prober = prober();
		this.origin = new Origin((out, path, origin) -> {
			switch (path) {
				case "/raw" -> Origin.respond(out, "Content-Encoding: deflate\r\n", raw);
				case "/zlib" -> Origin.respond(out, "Content-Encoding: deflate\r\n", zlib);
				case "/gzip" -> Origin.respond(out, "Content-Encoding: gzip\r\n", gzip);
				case "/gzip-as-identity" -> Origin.respond(out, "Content-Encoding: identity\r\n", gzip);
				default -> Origin.respond(out, "", HELLO);
			}
		});
		for (String module : List.of("gzip", "gzip_match")) {
			Probe gzipped = probe(prober, module, "/gzip");
			assertThat(gzipped.outcome().success()).as(gzipped.logText()).isTrue();
			assertThat(gzipped.metric("probe_http_content_length")).isEqualTo(gzip.length);
			assertThat(gzipped.metric("probe_http_uncompressed_body_length")).isEqualTo(HELLO.length);
		}
		Probe deflated = probe(prober, "deflate", "/raw");
		assertThat(deflated.outcome().success()).as(deflated.logText()).isTrue();
		assertThat(deflated.metric("probe_http_uncompressed_body_length")).isEqualTo(HELLO.length);

		Probe zlibAsDeflate = probe(prober, "deflate", "/zlib"); // Go's flate reads raw DEFLATE only
		assertThat(zlibAsDeflate.outcome().success()).isFalse();
		assertThat(zlibAsDeflate.metric("probe_http_status_code")).isEqualTo(200);
		assertThat(zlibAsDeflate.logText()).contains("Failed to read HTTP response body", "flate: corrupt input");

		Probe gzipAsDeflate = probe(prober, "deflate", "/gzip");
		assertThat(gzipAsDeflate.outcome().success()).isFalse();
		assertThat(gzipAsDeflate.metric("probe_http_uncompressed_body_length")).isZero();

		Probe plainAsGzip = probe(prober, "gzip", "/plain");
		assertThat(plainAsGzip.outcome().success()).isFalse();
		assertThat(plainAsGzip.metric("probe_http_status_code")).isEqualTo(200);
		assertThat(plainAsGzip.logText()).contains("gzip: invalid header");

		Probe labelledIdentity = probe(prober, "gzip_match", "/gzip-as-identity");
		assertThat(labelledIdentity.outcome().success()).as(labelledIdentity.logText()).isTrue();

		for (String module : List.of("plain_match", "identity_match")) { // no compression: matched as it came
			Probe undecoded = probe(prober, module, "/gzip");
			assertThat(undecoded.outcome().success()).as(module).isFalse();
			assertThat(undecoded.metric("probe_failed_due_to_regex")).isEqualTo(1);
			assertThat(undecoded.metric("probe_http_uncompressed_body_length")).isEqualTo(gzip.length);
		}
	}

	@Test
	void aCorruptOrCutGzipBodyFailsTheProbeWithTheResponseStillReported() throws Exception {
		byte[] gzip = gzip(HELLO);
		byte[] badCrc = gzip.clone();
		badCrc[gzip.length - 8] ^= 0x55;
		byte[] cut = Arrays.copyOf(gzip, gzip.length - 3);
		HttpProber prober = prober();
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Content-Encoding: gzip\r\n",
				path.equals("/crc") ? badCrc : cut));
		for (String module : List.of("gzip", "gzip_match")) {
			Probe crc = probe(prober, module, "/crc");
			assertThat(crc.outcome().success()).as(module).isFalse();
			assertThat(crc.metric("probe_http_status_code")).isEqualTo(200);
			assertThat(crc.metric("probe_http_content_length")).isEqualTo(badCrc.length);
			assertThat(crc.logText()).contains("Failed to read HTTP response body", "gzip: invalid checksum");
			Probe truncated = probe(prober, module, "/cut");
			assertThat(truncated.outcome().success()).isFalse();
			assertThat(truncated.logText()).contains("unexpected EOF");
		}
	}

	@Test
	void aGzipBombFailsAtBodySizeLimitWithoutDecodingTheRest() throws Exception {
		byte[] bomb = gzip(new byte[256 << 20]); // 256 MiB of zeros in about 250 KB
		serve("Content-Encoding: gzip\r\n", bomb);
		Probe probe = probe(prober(), "gzip_1mb", "/");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo(1 << 20);
		assertThat(probe.logText()).contains("the decoded body exceeds 1048576 bytes (body_size_limit)");
		assertThat(probe.took()).as("256 MiB are not decoded").isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aPlainBodyOverBodySizeLimitFailsAsMaxBytesReaderDoesWithTheResponseReported() throws Exception {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "",
				path.equals("/short") ? Arrays.copyOf(HELLO, 1024) : Arrays.copyOf(HELLO, 1025)));
		HttpProber prober = prober();
		Probe fits = probe(prober, "plain_1kb", "/short");
		assertThat(fits.outcome().success()).as(fits.logText()).isTrue();
		assertThat(fits.metric("probe_http_uncompressed_body_length")).isEqualTo(1024);
		Probe over = probe(prober, "plain_1kb", "/long");
		assertThat(over.outcome().success()).isFalse();
		assertThat(over.metric("probe_http_status_code")).isEqualTo(200);
		assertThat(over.metric("probe_http_content_length")).isEqualTo(1025);
		assertThat(over.metric("probe_http_uncompressed_body_length")).isEqualTo(1024);
		assertThat(over.logText()).contains("Failed to read HTTP response body", "the body exceeds 1024 bytes (body_size_limit)");
	}

	@Test
	void withoutALimitABombStopsAtTheServicesBodyLimit() throws Exception {
		serve("Content-Encoding: gzip\r\n", gzip(new byte[64 << 20]));
		HttpProber prober = prober(FetchPolicy.builder().allowPrivateNetworks(true).maxBodySize(4 << 20).build(),
				new ProbeMemory(64L << 20));
		Probe probe = probe(prober, "gzip", "/");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo(4 << 20);
		assertThat(probe.logText()).contains("the decoded body exceeds 4194304 bytes (the service's body limit)");
	}

	@Test
	void aKeptBombStopsAtTheProbesShareOfTheMemoryBudget() throws Exception {
		serve("Content-Encoding: gzip\r\n", gzip(new byte[64 << 20]));
		ProbeMemory memory = new ProbeMemory(16L << 20);
		HttpProber prober = prober(FetchPolicy.builder().allowPrivateNetworks(true).maxBodySize(1L << 30).build(), memory);
		Probe probe = probe(prober, "gzip_match", "/");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("probe memory: the response body kept for fail_if_body_* needs 16384 more bytes",
				"of its share of 4194304 bytes");
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isBetween(3.0 * (1 << 20), 4.0 * (1 << 20));
		assertThat(memory.used()).isZero();
		assertThat(memory.peak()).isLessThanOrEqualTo(memory.share());
	}

	@Test
	void theLoopKeepsItsTimersWhileABombInflates() throws Exception {
		// 256 MiB of zeros as 256 gzip members of 1 MiB each (about 260 KB on the wire), one body as Go
		// reads it; -Dbomb.mib=1024 for the gibibyte
		int mib = Integer.getInteger("bomb.mib", 256);
		byte[] member = gzip(new byte[1 << 20]);
		ByteArrayOutputStream bomb = new ByteArrayOutputStream();
		for (int i = 0; i < mib; i++) {
			bomb.writeBytes(member);
		}
		serve("Content-Encoding: gzip\r\n", bomb.toByteArray());
		HttpProber prober = prober();
		AtomicLong worstLateness = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		this.loop.run(() -> tick(worstLateness, running, System.nanoTime() + 10_000_000L));
		// the same 10 ms ticks on a thread of its own: how late any thread is on this machine now
		AtomicLong machineLateness = new AtomicLong();
		Thread control = new Thread(() -> {
			while (running.get()) {
				long due = System.nanoTime() + 10_000_000L;
				LockSupport.parkNanos(10_000_000L);
				machineLateness.accumulateAndGet(System.nanoTime() - due, Math::max);
			}
		}, "control-ticks");
		control.setDaemon(true);
		control.start();
		Probe probe = probe(prober, "gzip_2gb", "/");
		running.set(false);
		control.join(5000);
		System.out.printf("gzip bomb: %d MiB (%d bytes on the wire) inflated in %d ms, worst lateness of a 10 ms timer "
				+ "on the loop %d ms, of a thread of its own %d ms%n", mib, bomb.size(), probe.took().toMillis(),
				worstLateness.get() / 1_000_000, machineLateness.get() / 1_000_000);
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo((long) mib << 20);
		assertThat(Duration.ofNanos(worstLateness.get() - machineLateness.get()))
			.as("worst lateness of a 10 ms timer on the loop beyond that of a thread of its own")
			.isLessThan(Duration.ofMillis(200));
	}

	private void tick(AtomicLong worstLateness, AtomicBoolean running, long due) {
		if (!running.get()) {
			return;
		}
		this.loop.reactor().schedule(Duration.ofNanos(Math.max(0, due - System.nanoTime())), () -> {
			worstLateness.accumulateAndGet(System.nanoTime() - due, Math::max);
			tick(worstLateness, running, System.nanoTime() + 10_000_000L);
		});
	}

	@Test
	void overTlsABombIsDecodedAcrossPassesUpToTheLimit() throws Exception {
		Path store = TestCertificates.generate(this.dir, "localhost", "dns:localhost,ip:127.0.0.1");
		Path ca = TestCertificates.writePem(store, this.dir.resolve("ca.pem"));
		byte[] bomb = gzip(new byte[32 << 20]);
		HttpsServer server = HttpsServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		server.createContext("/", exchange -> {
			exchange.getResponseHeaders().add("Content-Encoding", "gzip");
			exchange.sendResponseHeaders(200, bomb.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bomb);
			}
		});
		server.start();
		try {
			String modules = """
					modules:
					  tls_gzip:
					    prober: http
					    http:
					      compression: gzip
					      body_size_limit: 64MB
					      tls_config: {ca_file: ca.pem}
					  tls_gzip_limited:
					    prober: http
					    http:
					      compression: gzip
					      body_size_limit: 8MB
					      tls_config: {ca_file: ca.pem}
					""";
			String target = "https://localhost:" + server.getAddress().getPort() + "/";
			HttpProber prober = prober();
			Probe whole = probe(prober, modules, "tls_gzip", this.dir, target);
			assertThat(whole.outcome().success()).as(whole.logText()).isTrue();
			assertThat(whole.metric("probe_http_uncompressed_body_length")).isEqualTo(32 << 20);
			Probe limited = probe(prober, modules, "tls_gzip_limited", this.dir, target);
			assertThat(limited.outcome().success()).isFalse();
			assertThat(limited.metric("probe_http_ssl")).isEqualTo(1);
			assertThat(limited.metric("probe_http_uncompressed_body_length")).isEqualTo(8 << 20);
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void everyByteAProbeHeldIsReturnedWhenItEnds() throws Exception {
		serve("Content-Encoding: gzip\r\n", gzip(HELLO));
		ProbeMemory memory = new ProbeMemory(16L << 20);
		HttpProber prober = prober(FetchPolicy.builder().allowPrivateNetworks(true).build(), memory);
		assertThat(probe(prober, "gzip_match", "/").outcome().success()).isTrue();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> memory.used() == 0);
		assertThat(memory.peak()).isGreaterThanOrEqualTo(BodyDecoder.INFLATER_BYTES + KeptBody.CHUNK);
	}

}
