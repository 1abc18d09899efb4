package dev.asyncore.probe.http;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.support.ReactorThread;

import static dev.asyncore.probe.http.BodyDecoderTest.gzip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compression: br} on a real loop against a loopback origin: a brotli body decoded as
 * blackbox_exporter's newest release decodes it, a corrupt or cut one failing the probe, a brotli bomb
 * stopped at {@code body_size_limit} (on decoded bytes) and decoded a slice per loop pass (the body's
 * tail too, after the response ended), its window charged to the probe's memory share.
 */
@Timeout(120)
class BrotliBodyIT {

	private static final String MODULES = """
			modules:
			  br: {prober: http, timeout: 30s, http: {compression: br}}
			  br_match: {prober: http, timeout: 30s, http: {compression: br, fail_if_body_not_matches_regexp: ["hello world"]}}
			  br_1mb: {prober: http, timeout: 30s, http: {compression: br, body_size_limit: 1MB}}
			  br_1gb: {prober: http, timeout: 60s, http: {compression: br, body_size_limit: 1GB}}
			""";

	/** {@code "hello world, "} 100 times, as {@code brotli -q 11} writes it (28 bytes). */
	private static final byte[] HELLO = Base64.getDecoder().decode("sZgowG+kdsofhqIqQ2sQFrY3NYtl1UAGVHMwAg==");

	/** 64 MiB of zeros as {@code brotli -q 11 -w 22} writes it (106 bytes; a 4 MiB window). */
	private static final byte[] ZEROS_64MIB = Base64.getDecoder().decode("y///P/gnAOKxQCD3/o///3/wTwDEYRGA7v0f////4J8AiMMCAN37"
			+ "P/7//8E/ARCHBQC693/8//+DfwIgDgsAdO//+P//B/8EQBwWAOje//H//w/+CYA4LADQvf/j//8f/BMAcVgAoHv/Nw==");

	private final ReactorThread loop = new ReactorThread("brotli-body-it");

	private Origin origin;

	@AfterEach
	void stop() throws Exception {
		if (this.origin != null) {
			this.origin.close();
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private HttpProber prober(ProbeMemory memory) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).maxBodySize(2L << 30).build();
		return this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(), policy,
				InetAddress::getAllByName, memory));
	}

	private HttpBodyIT.Probe probe(HttpProber prober, String module, String path) throws Exception {
		return HttpBodyIT.probe(prober, MODULES, module, null, this.origin.url(path));
	}

	@Test
	void aBrotliBodyIsDecodedAndACorruptCutOrOtherBodyFailsTheProbe() throws Exception {
		byte[] corrupt = HELLO.clone();
		corrupt[10] ^= 0x5a;
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Content-Encoding: br\r\n", switch (path) {
			case "/cut" -> Arrays.copyOf(HELLO, HELLO.length - 4);
			case "/corrupt" -> corrupt;
			case "/gzip" -> gzip("hello world, ".getBytes(StandardCharsets.UTF_8));
			default -> HELLO;
		}));
		HttpProber prober = prober(new ProbeMemory(256L << 20));
		for (String module : new String[] { "br", "br_match" }) {
			HttpBodyIT.Probe decoded = probe(prober, module, "/");
			assertThat(decoded.outcome().success()).as(decoded.logText()).isTrue();
			assertThat(decoded.metric("probe_http_content_length")).isEqualTo(HELLO.length);
			assertThat(decoded.metric("probe_http_uncompressed_body_length")).isEqualTo(1300);
		}
		HttpBodyIT.Probe cut = probe(prober, "br", "/cut");
		assertThat(cut.outcome().success()).isFalse();
		assertThat(cut.metric("probe_http_status_code")).isEqualTo(200);
		assertThat(cut.logText()).contains("Failed to read HTTP response body", "cannot decode the body as br");
		for (String path : new String[] { "/corrupt", "/gzip" }) {
			HttpBodyIT.Probe bad = probe(prober, "br_match", path);
			assertThat(bad.outcome().success()).as(path).isFalse();
			assertThat(bad.logText()).as(path).contains("cannot decode the body as br");
		}
	}

	@Test
	void aBrotliBombStopsAtBodySizeLimitOnTheDecodedBytes() throws Exception {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Content-Encoding: br\r\n", ZEROS_64MIB));
		ProbeMemory memory = new ProbeMemory(256L << 20);
		HttpBodyIT.Probe probe = probe(prober(memory), "br_1mb", "/");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo(1 << 20);
		assertThat(probe.logText()).contains("the decoded body exceeds 1048576 bytes (body_size_limit)");
		assertThat(memory.used()).isZero();
	}

	@Test
	void theWindowTheStreamDeclaresIsChargedToTheProbesShare() throws Exception {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Content-Encoding: br\r\n", ZEROS_64MIB));
		ProbeMemory memory = new ProbeMemory(16L << 20); // a share of 4 MiB: the 4 MiB window and the decoder's state do not fit
		HttpBodyIT.Probe probe = probe(prober(memory), "br_1gb", "/");
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("the brotli window");
		assertThat(memory.used()).isZero();
	}

	@Test
	void theLoopKeepsItsTimersWhileTheTailOfABombIsDecodedAfterTheResponseEnded() throws Exception {
		byte[] bomb; // 512 MiB of zeros in 809 bytes: the whole body has arrived before the first slice is decoded
		try (InputStream in = BrotliBodyIT.class.getResourceAsStream("zeros-512mib.br")) {
			bomb = in.readAllBytes();
		}
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Content-Encoding: br\r\n", bomb));
		HttpProber prober = prober(new ProbeMemory(256L << 20));
		AtomicInteger ticks = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		this.loop.run(() -> tick(ticks, running));
		HttpBodyIT.Probe probe = probe(prober, "br_1gb", "/");
		running.set(false);
		System.out.printf("brotli bomb: 512 MiB from %d bytes decoded in %d ms, %d ticks of a 10 ms timer on the loop%n",
				bomb.length, probe.took().toMillis(), ticks.get());
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo(512L << 20);
		// decoded in one pass, the loop's timer would not fire until the end
		assertThat(ticks.get()).as("ticks during " + probe.took()).isGreaterThanOrEqualTo((int) (probe.took().toMillis() / 100) - 1);
	}

	private void tick(AtomicInteger ticks, AtomicBoolean running) {
		if (running.get()) {
			this.loop.reactor().schedule(Duration.ofMillis(10), () -> {
				ticks.incrementAndGet();
				tick(ticks, running);
			});
		}
	}

}
