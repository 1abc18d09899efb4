package dev.asyncore.probe.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.testsupport.TestProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code oauth2} token request's own {@code tls_config} and proxy options, as Prometheus builds its
 * token client from them alone: a loopback token endpoint over HTTPS with a private CA (and one that
 * requires a client certificate), a loopback proxy, and a target that wants the token.
 */
@Timeout(120)
class OAuth2TokenClientIT {

	/** A name only the fetcher's resolver knows (loopback): not one Go's NO_PROXY rules send direct anyway. */
	private static final String TOKEN_HOST = "token.test";

	private final ReactorThread loop = new ReactorThread("oauth2-token-client-it");

	/** What the token endpoints saw: method, path and the client certificate's subject ("none" without one). */
	private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private HttpServer target;

	private HttpServer plainToken;

	private HttpsServer httpsToken;

	private TestProxy proxy;

	private HttpProber prober;

	private Path serverStore;

	private Path caFile;

	private Path clientCert;

	private Path clientKey;

	@TempDir
	Path dir;

	@BeforeEach
	void start() throws Exception {
		this.serverStore = TestCertificates.generate(this.dir, "token", "dns:token.example,ip:127.0.0.1");
		this.caFile = TestCertificates.writePem(this.serverStore, this.dir.resolve("ca.pem"));
		Path client = TestCertificates.generate(this.dir, "client", "dns:client.example");
		this.clientCert = TestCertificates.writePem(client, this.dir.resolve("client.pem"));
		this.clientKey = TestCertificates.writeKeyPem(client, this.dir.resolve("client-key.pem"));
		this.target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.target.createContext("/", (exchange) -> {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			this.authorizations.add(String.valueOf(authorization));
			exchange.sendResponseHeaders("Bearer tok-1".equals(authorization) ? 200 : 401, -1);
			exchange.close();
		});
		this.target.start();
		this.plainToken = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.plainToken.createContext("/token", (exchange) -> token(exchange, "none"));
		this.plainToken.start();
		this.proxy = new TestProxy();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy)
			.resolver((host) -> host.equals(TOKEN_HOST) ? new InetAddress[] { InetAddress.getLoopbackAddress() }
					: InetAddress.getAllByName(host))
			.build(), policy, OAuth2TokenClientIT::noLookUp, new ProbeMemory(64L << 20)));
	}

	/** The probe's own resolver: the targets here are IP literals. */
	private static InetAddress[] noLookUp(String host) throws UnknownHostException {
		throw new UnknownHostException("no look-up expected for " + host);
	}

	@AfterEach
	void stop() throws Exception {
		this.target.stop(0);
		this.plainToken.stop(0);
		if (this.httpsToken != null) {
			this.httpsToken.stop(0);
		}
		this.proxy.close();
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private void token(HttpExchange exchange, String client) throws IOException {
		exchange.getRequestBody().readAllBytes();
		this.tokenRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + client);
		byte[] body = "{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":3600}"
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		exchange.getResponseBody().write(body);
		exchange.close();
	}

	/** An HTTPS token endpoint with the private CA's certificate; {@code needClientAuth}: only with {@code client.pem}. */
	private String httpsTokenUrl(boolean needClientAuth) throws Exception {
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("client", CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(this.clientCert))));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(TestCertificates.keyManagers(this.serverStore).getKeyManagers(), trust.getTrustManagers(), null);
		this.httpsToken = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.httpsToken.setHttpsConfigurator(new HttpsConfigurator(context) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
				parameters.setNeedClientAuth(needClientAuth);
				params.setSSLParameters(parameters);
			}
		});
		this.httpsToken.createContext("/token", (exchange) -> {
			String client;
			try {
				client = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
					.getSubjectX500Principal().getName();
			}
			catch (SSLPeerUnverifiedException ex) {
				client = "none";
			}
			token(exchange, client);
		});
		this.httpsToken.start();
		return "https://127.0.0.1:" + this.httpsToken.getAddress().getPort() + "/token";
	}

	private String plainTokenUrl(String host) {
		return "http://" + host + ":" + this.plainToken.getAddress().getPort() + "/token";
	}

	private String targetUrl() {
		return "http://127.0.0.1:" + this.target.getAddress().getPort() + "/";
	}

	/** A module whose {@code oauth2} has {@code oauth2Extra} and whose http section has {@code httpExtra}. */
	private HttpBodyIT.Probe probe(String tokenUrl, String oauth2Extra, String httpExtra) throws Exception {
		String http = httpExtra + "oauth2:\n  client_id: probe\n  client_secret: s3cret\n  token_url: " + tokenUrl + "\n"
				+ oauth2Extra.indent(2);
		String modules = "modules:\n  m:\n    prober: http\n    timeout: 10s\n    http:\n" + http.indent(6);
		return HttpBodyIT.probe(this.prober, modules, "m", this.dir, targetUrl());
	}

	@Test
	void aPrivateCaGivenOnlyInOauth2sTlsConfigVerifiesTheTokenEndpoint() throws Exception {
		HttpBodyIT.Probe probe = probe(httpsTokenUrl(false), "tls_config: {ca_file: ca.pem}", "");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.tokenRequests).containsExactly("POST /token none");
		assertThat(this.authorizations).containsExactly("Bearer tok-1");
	}

	@Test
	void withoutOauth2sCaTheTokenRequestFailsWithTheReasonInTheLogAndTheModulesOwnCaIsNotUsedForIt() throws Exception {
		String tokenUrl = httpsTokenUrl(false);
		HttpBodyIT.Probe probe = probe(tokenUrl, "", "tls_config: {ca_file: ca.pem}\n");

		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.logText()).contains("oauth2: cannot fetch token from " + tokenUrl + ": ")
			.containsIgnoringCase("certificat");
		assertThat(this.tokenRequests).isEmpty();
		assertThat(this.authorizations).as("nothing reaches the target").isEmpty();
	}

	@Test
	void aClientCertificateTheTokenEndpointRequiresComesFromOauth2sTlsConfigWithItsServerName() throws Exception {
		String tokenUrl = httpsTokenUrl(true);
		String tls = "tls_config: {ca_file: ca.pem, cert_file: client.pem, key_file: client-key.pem,"
				+ " server_name: token.example}";
		HttpBodyIT.Probe probe = probe(tokenUrl, tls, "");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.tokenRequests).containsExactly("POST /token CN=client");
		assertThat(this.authorizations).containsExactly("Bearer tok-1");

		HttpBodyIT.Probe without = probe(tokenUrl, "tls_config: {ca_file: ca.pem}",
				"tls_config: {cert_file: client.pem, key_file: client-key.pem}\n");
		assertThat(without.outcome().success()).as("the module's client certificate is not the token request's").isFalse();
		assertThat(without.logText()).contains("oauth2: cannot fetch token from " + tokenUrl + ": ");
		assertThat(this.tokenRequests).hasSize(1);

		HttpBodyIT.Probe wrongName = probe(tokenUrl, tls.replace("token.example", "other.example"), "");
		assertThat(wrongName.outcome().success()).as("server_name is verified").isFalse();
		assertThat(this.tokenRequests).hasSize(1);
	}

	@Test
	void aTokenIsFetchedThroughOauth2sProxyUrlInAbsoluteFormAndTheTargetGetsIt() throws Exception {
		HttpBodyIT.Probe probe = probe(plainTokenUrl("127.0.0.1"), "proxy_url: " + this.proxy.url(), "");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).as("the token request only: the module has no proxy").singleElement()
			.satisfies(head -> assertThat(head).startsWith("POST " + plainTokenUrl("127.0.0.1") + " HTTP/1.1"));
		assertThat(this.tokenRequests).containsExactly("POST /token none");
		assertThat(this.authorizations).containsExactly("Bearer tok-1");
	}

	@Test
	void anHttpsTokenEndpointIsReachedThroughOauth2sProxyByConnectWithOauth2sCa() throws Exception {
		String tokenUrl = httpsTokenUrl(false);
		HttpBodyIT.Probe probe = probe(tokenUrl, "tls_config: {ca_file: ca.pem}\nproxy_url: " + this.proxy.url()
				+ "\nproxy_connect_header: {X-Proxy-Key: [k3y]}", "");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).singleElement()
			.satisfies(head -> assertThat(head).startsWith("CONNECT 127.0.0.1:" + this.httpsToken.getAddress().getPort())
				.contains("\r\nX-Proxy-Key: k3y"));
		assertThat(this.tokenRequests).containsExactly("POST /token none");
		assertThat(this.authorizations).containsExactly("Bearer tok-1");
	}

	@Test
	void noProxyLetsTheTokenRequestBypassOauth2sProxy() throws Exception {
		String proxied = "proxy_url: " + this.proxy.url() + "\nno_proxy: other.test";
		assertThat(probe(plainTokenUrl(TOKEN_HOST), proxied, "").outcome().success()).isTrue();
		assertThat(this.proxy.heads()).as("a name no_proxy does not list goes through the proxy").singleElement()
			.satisfies(head -> assertThat(head).startsWith("POST http://127.0.0.1:" + this.plainToken.getAddress().getPort()));

		HttpBodyIT.Probe probe = probe(plainTokenUrl(TOKEN_HOST), "proxy_url: " + this.proxy.url() + "\nno_proxy: " + TOKEN_HOST, "");
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).as("no_proxy lists the token host: direct").hasSize(1);
		assertThat(this.tokenRequests).hasSize(2);
		assertThat(this.authorizations).containsExactly("Bearer tok-1", "Bearer tok-1");
	}

	@Test
	void theModulesOwnProxyIsNotUsedForTheTokenRequest() throws Exception {
		HttpBodyIT.Probe probe = probe(plainTokenUrl("127.0.0.1"), "", "proxy_url: " + this.proxy.url() + "\n");

		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.proxy.heads()).as("the target's request only").singleElement()
			.satisfies(head -> assertThat(head).startsWith("GET " + targetUrl() + " HTTP/1.1"));
		assertThat(this.tokenRequests).containsExactly("POST /token none");
	}

}
