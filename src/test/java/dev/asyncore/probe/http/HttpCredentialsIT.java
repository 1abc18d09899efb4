package dev.asyncore.probe.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a target sees of a module's credentials, extra headers and body, on a real loop against a
 * loopback origin: files ({@code password_file}, {@code credentials_file}, {@code http_headers}'s
 * {@code files}, {@code body_file}) are read for each probe, so a rotated credential is sent without
 * a reload, and a file gone fails that probe naming it, with nothing sent.
 */
@Timeout(60)
class HttpCredentialsIT {

	/** One request as the origin saw it. */
	record Seen(String method, Headers headers, byte[] body) {

		List<String> all(String name) {
			List<String> values = this.headers.get(name);
			return (values == null) ? List.of() : values;
		}

	}

	private final ReactorThread loop = new ReactorThread("http-credentials-it");

	private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

	private HttpServer origin;

	private HttpProber prober;

	@TempDir
	Path dir;

	@BeforeEach
	void start() throws Exception {
		this.origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.origin.createContext("/", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			this.seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestHeaders(), body));
			exchange.sendResponseHeaders(200, 2);
			exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
			exchange.close();
		});
		this.origin.start();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
	}

	@AfterEach
	void stop() throws Exception {
		this.origin.stop(0);
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private static String modules(String http) {
		return "modules:\n  m:\n    prober: http\n    timeout: 10s\n    http:\n" + http.indent(6);
	}

	private String target() {
		return "http://127.0.0.1:" + this.origin.getAddress().getPort() + "/";
	}

	private HttpOptions options(String http) {
		return ModuleFile.parse(modules(http), this.dir, Probers.standard().kinds()).module("m").options(HttpOptions.KIND);
	}

	private HttpBodyIT.Probe probe(String http) throws Exception {
		return HttpBodyIT.probe(this.prober, modules(http), "m", this.dir, target());
	}

	private Seen next() throws InterruptedException {
		Seen request = this.seen.poll(20, TimeUnit.SECONDS);
		assertThat(request).as("a request reached the origin").isNotNull();
		return request;
	}

	private void write(String name, String content) throws IOException {
		Files.writeString(this.dir.resolve(name), content);
	}

	private static String basic(String pair) {
		return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void basicAuthFilesAreReadForEachProbeSoARotatedPasswordIsSentWithoutAReload() throws Exception {
		write("user", "alice\n");
		write("pw", "first\n");
		String module = "basic_auth: {username_file: user, password_file: pw}";
		assertThat(probe(module).outcome().success()).isTrue();
		assertThat(next().all("Authorization")).containsExactly(basic("alice:first"));
		write("pw", "second\n");
		assertThat(probe(module).outcome().success()).isTrue();
		assertThat(next().all("Authorization")).containsExactly(basic("alice:second"));
	}

	@Test
	void aCredentialsFileGoneAfterLoadFailsThatProbeNamingTheFileAndNothingIsSent() throws Exception {
		write("token", "tok-1\n");
		String module = "bearer_token_file: token";
		assertThat(probe(module).outcome().success()).isTrue();
		assertThat(next().all("Authorization")).containsExactly("Bearer tok-1");
		// loaded while it could be read, deleted before the next probe, which must not send a stale token
		HttpOptions loaded = options(module);
		Files.delete(this.dir.resolve("token"));
		ProbeLog log = new ProbeLog("m", "t");
		HttpProber.Outcome outcome = this.prober.probe(loaded, target(), Duration.ofSeconds(10), new ProbeReport(), log)
			.get(20, TimeUnit.SECONDS);
		assertThat(outcome.success()).isFalse();
		assertThat(String.join("\n", log.lines())).contains("Error for HTTP request", "modules.m.http.bearer_token_file",
				this.dir.resolve("token").toString(), "no such file");
		assertThat(this.seen).as("nothing was sent").isEmpty();
	}

	@Test
	void authorizationSendsItsTypeAndCredentialsInlineOrFromAFile() throws Exception {
		write("cred", "from-file\n");
		assertThat(probe("authorization: {type: Token, credentials_file: cred}").outcome().success()).isTrue();
		assertThat(next().all("Authorization")).containsExactly("Token from-file");
		assertThat(probe("authorization: {credentials: inline-cred}").outcome().success()).isTrue();
		assertThat(next().all("Authorization")).containsExactly("Bearer inline-cred");
	}

	@Test
	void theModulesOwnAuthorizationHeaderWinsOverItsCredentialsAsInPrometheus() throws Exception {
		assertThat(probe("headers: {Authorization: Custom x}\nbasic_auth: {username: u, password: p}").outcome().success())
			.isTrue();
		assertThat(next().all("Authorization")).containsExactly("Custom x");
	}

	@Test
	void httpHeadersSendEveryValueSecretAndFileWithTheModulesHeaders() throws Exception {
		write("h", "file-value\n");
		assertThat(probe("""
				headers: {X-Plain: p}
				http_headers:
				  X-Extra: {values: [v1, v2], secrets: [s1], files: [h]}
				""").outcome().success()).isTrue();
		Seen request = next();
		assertThat(request.all("X-Extra")).containsExactly("v1", "v2", "s1", "file-value");
		assertThat(request.all("X-Plain")).containsExactly("p");
	}

	@Test
	void bodyFileIsSentAsItsBytesReadForEachProbeAndItsAbsenceFailsTheProbe() throws Exception {
		byte[] binary = { 0, 1, (byte) 0xff, '\n', 'x' };
		Files.write(this.dir.resolve("body.bin"), binary);
		String module = "method: POST\nbody_file: body.bin";
		assertThat(probe(module).outcome().success()).isTrue();
		Seen request = next();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.body()).containsExactly(binary);
		write("body.bin", "changed");
		assertThat(probe(module).outcome().success()).isTrue();
		assertThat(next().body()).isEqualTo("changed".getBytes(StandardCharsets.US_ASCII));
		Files.delete(this.dir.resolve("body.bin"));
		HttpBodyIT.Probe gone = probe(module);
		assertThat(gone.outcome().success()).isFalse();
		assertThat(gone.logText()).contains("Error creating request", "modules.m.http.body_file", "no such file");
		assertThat(this.seen).isEmpty();
	}

}
