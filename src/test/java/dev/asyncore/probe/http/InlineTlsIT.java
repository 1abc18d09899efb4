package dev.asyncore.probe.http;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

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
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tls_config}'s inline PEM ({@code ca}, {@code cert}, {@code key}) against a loopback HTTPS
 * origin that asks for a client certificate, and the {@code serialnumber} label of
 * {@code probe_ssl_last_chain_info}.
 */
@Timeout(120)
class InlineTlsIT {

	private final ReactorThread loop = new ReactorThread("inline-tls-it");

	private final BlockingQueue<String> clients = new LinkedBlockingQueue<>();

	private HttpsServer origin;

	private HttpProber prober;

	private X509Certificate serverCertificate;

	private String serverPem;

	private String clientPem;

	private String clientKeyPem;

	private X509Certificate clientCertificate;

	@TempDir
	Path dir;

	@BeforeEach
	void start() throws Exception {
		Path server = TestCertificates.generate(this.dir, "localhost", "dns:localhost,ip:127.0.0.1");
		Path client = TestCertificates.generate(this.dir, "client", "dns:client.example");
		this.serverPem = Files.readString(TestCertificates.writePem(server, this.dir.resolve("server.pem")));
		this.clientPem = Files.readString(TestCertificates.writePem(client, this.dir.resolve("client.pem")));
		KeyStore serverStore = load(server);
		KeyStore clientStore = load(client);
		this.serverCertificate = (X509Certificate) serverStore.getCertificate("localhost");
		this.clientCertificate = (X509Certificate) clientStore.getCertificate("client");
		this.clientKeyPem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(clientStore.getKey("client", TestCertificates.PASSWORD).getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(serverStore, TestCertificates.PASSWORD);
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("client", clientStore.getCertificate("client"));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
		this.origin = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.origin.setHttpsConfigurator(new HttpsConfigurator(context) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
				parameters.setWantClientAuth(true); // the handler answers 403 without one
				params.setSSLParameters(parameters);
			}
		});
		this.origin.createContext("/", (exchange) -> {
			String subject;
			try {
				subject = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
					.getSubjectX500Principal().getName();
			}
			catch (javax.net.ssl.SSLPeerUnverifiedException ex) {
				subject = "none";
			}
			this.clients.add(subject);
			exchange.sendResponseHeaders(subject.equals("none") ? 403 : 200, -1);
			exchange.close();
		});
		this.origin.start();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
	}

	private static KeyStore load(Path store) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keyStore.load(in, TestCertificates.PASSWORD);
		}
		return keyStore;
	}

	@AfterEach
	void stop() throws Exception {
		this.origin.stop(0);
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private static String block(String name, String pem) {
		return name + ": |\n" + pem.indent(2);
	}

	private String modules(String tlsConfig) {
		return "modules:\n  m:\n    prober: http\n    timeout: 10s\n    http:\n      tls_config:\n" + tlsConfig.indent(8);
	}

	private HttpBodyIT.Probe probe(String tlsConfig) throws Exception {
		return HttpBodyIT.probe(this.prober, modules(tlsConfig), "m", this.dir,
				"https://localhost:" + this.origin.getAddress().getPort() + "/");
	}

	@Test
	void anInlineCaTrustsTheServerAndTheChainInfoCarriesItsSerialNumber() throws Exception {
		HttpBodyIT.Probe untrusted = probe("server_name: localhost\n");
		assertThat(untrusted.outcome().success()).isFalse();
		HttpBodyIT.Probe trusted = probe(block("ca", this.serverPem) + "max_version: TLS13\n");
		assertThat(trusted.outcome().success()).as(trusted.logText()).isFalse(); // no client certificate: 403
		assertThat(trusted.metric("probe_http_status_code")).isEqualTo(403);
		String serial = HexFormat.of().formatHex(this.serverCertificate.getSerialNumber().toByteArray());
		serial = serial.startsWith("00") ? serial.substring(2) : serial;
		assertThat(trusted.report().render()).contains("serialnumber=\"" + serial + "\"");
	}

	@Test
	void anInlineCertificateAndKeyAreTheClientCertificateAndTheKeyIsNeverShown() throws Exception {
		String tls = block("ca", this.serverPem) + block("cert", this.clientPem) + block("key", this.clientKeyPem);
		HttpBodyIT.Probe probe = probe(tls);
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(this.clients).contains("CN=client");
		String text = ModuleFile.parse(modules(tls), this.dir, Probers.standard().kinds()).module("m").text();
		assertThat(text).contains("key: <secret>", "BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
	}

	@Test
	void beyondBlackboxTheChainsLatestNotBeforeAndTheClientCertificatesExpiryAreReported() throws Exception {
		HttpBodyIT.Probe withClient = probe(block("ca", this.serverPem) + block("cert", this.clientPem)
				+ block("key", this.clientKeyPem));
		assertThat(withClient.outcome().success()).as(withClient.logText()).isTrue();
		assertThat(withClient.metric("probe_ssl_latest_cert_not_before"))
			.isEqualTo(this.serverCertificate.getNotBefore().getTime() / 1000.0);
		assertThat(withClient.metric("probe_ssl_client_cert_expiry"))
			.isEqualTo(this.clientCertificate.getNotAfter().getTime() / 1000.0);
		HttpBodyIT.Probe without = probe(block("ca", this.serverPem));
		assertThat(without.report().value("probe_ssl_client_cert_expiry")).as("no client certificate, no gauge").isNull();
		assertThat(without.metric("probe_ssl_latest_cert_not_before"))
			.isEqualTo(this.serverCertificate.getNotBefore().getTime() / 1000.0);
	}

}
