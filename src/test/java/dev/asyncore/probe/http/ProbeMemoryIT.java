package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.exporter.BlackboxExporter;
import dev.asyncore.probe.exporter.ExporterConnection;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe memory budget through the exporter: body-keeping probes of a target that sends almost
 * 10 MiB and stalls fail at their share or at the total, each with the reason in its
 * {@code debug=true} log and {@code probe_success 0}; the budget is back at zero once they ended
 * and a small target is probed successfully on the same loop.
 */
@Timeout(120)
class ProbeMemoryIT {

	static final int BIG = 10 << 20;

	private static final String MODULES = """
			modules:
			  keep:
			    prober: http
			    timeout: 20s
			    http:
			      fail_if_body_not_matches_regexp: ["hello"]
			  keep_3s:
			    prober: http
			    timeout: 3s
			    http:
			      fail_if_body_not_matches_regexp: ["hello"]
			""";

	private final ReactorThread loop = new ReactorThread("probe-memory-it");

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Origin origin;

	@AfterEach
	void stop() throws Exception {
		this.origin.close();
		this.loop.close();
	}

	/** {@code /big}: 10 MiB announced, 64 KiB short of it sent, then nothing; {@code /part}: 1.5 MiB of it; else hello. */
	static Origin origin() throws Exception {
		byte[] big = new byte[BIG - (64 << 10)];
		java.util.Arrays.fill(big, (byte) 'x');
		return new Origin((out, path, origin) -> {
			if (path.equals("/small")) {
				Origin.respond(out, "", "hello".getBytes(StandardCharsets.US_ASCII));
				return;
			}
			out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(big, 0, path.equals("/part") ? 3 << 19 : big.length);
			out.flush();
			origin.stall();
		});
	}

	private int exporter(ProbeMemory memory) throws Exception {
		ModuleFile modules = ModuleFile.parse(MODULES, null, Probers.standard().kinds());
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		return this.loop.call(() -> {
			HttpProber prober = new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(), policy,
					InetAddress::getAllByName, memory);
			BlackboxExporter exporter = new BlackboxExporter(() -> modules, r -> name -> name.equals("http") ? prober : null,
					() -> CompletableFuture.completedFuture(null), 1024, Duration.ofMillis(500));
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox"),
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, exporter));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	private CompletableFuture<HttpResponse<String>> probe(int port, String module, String path) {
		String target = URLEncoder.encode(this.origin.url(path), StandardCharsets.UTF_8);
		return this.client.sendAsync(HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + port + "/probe?debug=true&module=" + module + "&target=" + target)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private List<String> probeAll(int port, String module, String path, int count) throws Exception {
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			answers.add(probe(port, module, path));
		}
		List<String> bodies = new ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			bodies.add(response.body());
		}
		return bodies;
	}

	@Test
	void manyBodyKeepingProbesOfAStallingTargetFailAtTheirShareAndGiveItAllBack() throws Exception {
		this.origin = origin();
		ProbeMemory memory = new ProbeMemory(24L << 20); // a share of 6 MiB: no 10 MiB body fits
		int port = exporter(memory);
		long start = System.nanoTime();
		List<String> answers = probeAll(port, "keep", "/big", 32);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		for (String answer : answers) {
			assertThat(answer).contains("probe_success 0", "probe_http_status_code 200")
				.containsPattern("msg=\"Failed to read HTTP response body\" err=\"probe memory: the response body kept "
						+ "for fail_if_body_\\* needs 16384 more bytes; (this probe holds \\d+ of its share of 6291456 bytes|"
						+ "probes hold \\d+ of the 25165824-byte probe memory budget)");
		}
		assertThat(took).as("refused at once, not at the 20 s timeout").isLessThan(Duration.ofSeconds(15));
		assertThat(memory.peak()).isLessThanOrEqualTo(memory.max());
		assertThat(memory.refusals()).isGreaterThanOrEqualTo(32);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> memory.used() == 0);
		assertThat(probeAll(port, "keep", "/small", 1).get(0)).contains("probe_success 1");
		assertThat(this.loop.failure()).isNull();
	}

	@Test
	void probesThatFitTheirShareButNotTheTotalAreRefusedWhileTheOthersHold() throws Exception {
		this.origin = origin();
		ProbeMemory memory = new ProbeMemory(8L << 20); // 1.5 MiB fits a 2 MiB share, not twelve of them 8 MiB
		int port = exporter(memory);
		List<String> answers = probeAll(port, "keep_3s", "/part", 12);
		long refused = answers.stream().filter(a -> a.contains("of the 8388608-byte probe memory budget")).count();
		long timedOut = answers.stream().filter(a -> a.contains("took longer than 3000 ms")).count();
		assertThat(answers).allSatisfy(a -> assertThat(a).contains("probe_success 0"));
		assertThat(refused).as("refused at the total").isGreaterThanOrEqualTo(1);
		assertThat(refused + timedOut).isEqualTo(12);
		assertThat(memory.peak()).isLessThanOrEqualTo(memory.max());
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> memory.used() == 0);
		assertThat(probeAll(port, "keep", "/small", 1).get(0)).contains("probe_success 1");
		assertThat(this.loop.failure()).isNull();
	}

}
