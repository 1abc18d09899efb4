package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code oauth2} (client credentials) against a loopback token endpoint that counts its calls and an
 * origin that wants the token: fetched with our client before the probe, kept until it expires.
 */
@Timeout(60)
class OAuth2ProbeIT {

	private final ReactorThread loop = new ReactorThread("oauth2-probe-it");

	private final AtomicInteger tokenCalls = new AtomicInteger();

	private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private volatile String expiresIn = "3600";

	private volatile int tokenStatus = 200;

	private HttpServer server;

	private HttpProber prober;

	@TempDir
	Path dir;

	@BeforeEach
	void start() throws Exception {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.createContext("/token", (exchange) -> {
			int n = this.tokenCalls.incrementAndGet();
			this.tokenRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization") + " "
					+ URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8));
			byte[] body = ("{\"access_token\":\"tok-" + n + "\",\"token_type\":\"bearer\",\"expires_in\":" + this.expiresIn + "}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.tokenStatus, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.createContext("/", (exchange) -> {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			this.authorizations.add(String.valueOf(authorization));
			exchange.sendResponseHeaders((authorization != null && authorization.startsWith("Bearer tok-")) ? 200 : 401, -1);
			exchange.close();
		});
		this.server.start();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
	}

	@AfterEach
	void stop() throws Exception {
		this.server.stop(0);
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private String base() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	private String modules(String secret) {
		return "modules:\n  m:\n    prober: http\n    timeout: 10s\n    http:\n      oauth2:\n        client_id: probe\n"
				+ "        " + secret + "\n        token_url: " + base() + "/token\n        scopes: [read, write]\n"
				+ "        endpoint_params: {audience: api}\n";
	}

	private HttpBodyIT.Probe probe(ModuleFile file) throws Exception {
		return HttpBodyIT.probe(this.prober, file, "m", base() + "/");
	}

	@Test
	void theTokenIsFetchedOnceSentAsBearerAndKeptUntilItExpires() throws Exception {
		ModuleFile file = ModuleFile.parse(modules("client_secret: s3cret"), this.dir, Probers.standard().kinds());
		assertThat(probe(file).outcome().success()).isTrue();
		assertThat(probe(file).outcome().success()).isTrue();

		assertThat(this.tokenCalls).hasValue(1);
		assertThat(this.authorizations).containsExactly("Bearer tok-1", "Bearer tok-1");
		assertThat(this.tokenRequests).singleElement().satisfies(request -> assertThat(request)
			.startsWith("POST Basic cHJvYmU6czNjcmV0 ")
			.contains("grant_type=client_credentials", "scope=read write", "audience=api"));
	}

	@Test
	void aTokenThatExpiresWithinTheMarginIsFetchedAgainForEachProbe() throws Exception {
		this.expiresIn = "5"; // less than Go's ten-second expiry delta: expired as soon as it came
		Files.writeString(this.dir.resolve("secret"), "from-file\n");
		ModuleFile file = ModuleFile.parse(modules("client_secret_file: secret"), this.dir, Probers.standard().kinds());
		assertThat(probe(file).outcome().success()).isTrue();
		assertThat(probe(file).outcome().success()).isTrue();

		assertThat(this.tokenCalls).hasValue(2);
		assertThat(this.authorizations).containsExactly("Bearer tok-1", "Bearer tok-2");
		assertThat(this.tokenRequests.get(0)).startsWith("POST Basic cHJvYmU6ZnJvbS1maWxl ");
	}

	@Test
	void aTokenEndpointThatRefusesFailsTheProbeNamingTheTokenUrlAndNothingReachesTheTarget() throws Exception {
		this.tokenStatus = 401;
		ModuleFile file = ModuleFile.parse(modules("client_secret: s3cret"), this.dir, Probers.standard().kinds());
		HttpBodyIT.Probe probe = probe(file);

		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("oauth2: cannot fetch token from " + base() + "/token", "401");
		assertThat(this.authorizations).isEmpty();
	}

	@Test
	void endpointParamsMayReplaceTheGrantTypeButNotTheScopeAsInGo() throws Exception {
		String custom = modules("client_secret: s3cret").replace("{audience: api}", "{grant_type: custom}");
		assertThat(probe(ModuleFile.parse(custom, this.dir, Probers.standard().kinds())).outcome().success()).isTrue();
		assertThat(this.tokenRequests.get(0)).contains("grant_type=custom").doesNotContain("client_credentials");

		String scope = modules("client_secret: s3cret").replace("{audience: api}", "{scope: other}");
		HttpBodyIT.Probe refused = probe(ModuleFile.parse(scope, this.dir, Probers.standard().kinds()));
		assertThat(refused.outcome().success()).isFalse();
		assertThat(refused.logText()).contains("cannot overwrite parameter \\\"scope\\\"");
		assertThat(this.tokenCalls).hasValue(1);
	}

	@Test
	void theClientSecretIsShownAsSecret() {
		Module<?> module = ModuleFile.parse(modules("client_secret: s3cret"), this.dir, Probers.standard().kinds())
			.module("m");
		for (String shown : List.of(module.text(), module.config().toString(), module.toString(),
				module.options().toString())) {
			assertThat(shown).doesNotContain("s3cret");
		}
		assertThat(module.text()).contains("client_secret: <secret>");
		assertThat(module.unavailable()).isNull();
	}

}
