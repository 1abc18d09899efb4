package dev.asyncore.boot.listener;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener on a PEM bundle with {@code reload-on-update}: replacing the PEM files under the
 * running listener serves the new certificate to new connections, while a connection opened
 * before keeps its session and goes on echoing.
 */
@Timeout(90)
class SslBundleReloadIT {

	@TempDir
	static Path dir;

	private static Path live;

	@BeforeAll
	static void certificates() throws Exception {
		pem("first");
		pem("second");
		live = Files.createDirectories(dir.resolve("live"));
		install("first");
	}

	@Test
	void whenThePemFilesAreReplacedThenNewConnectionsGetTheNewCertificateAndOpenOnesAreUntouched() {
		new ApplicationContextRunner().withUserConfiguration(ReactorConfiguration.class)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=secure",
					"asyncore.listeners[0].port=0", "asyncore.listeners[0].tls.enabled=true",
					"asyncore.listeners[0].tls.bundle=rotating",
					"spring.ssl.bundle.pem.rotating.keystore.certificate=file:" + live.resolve("cert.pem"),
					"spring.ssl.bundle.pem.rotating.keystore.private-key=file:" + live.resolve("key.pem"),
					"spring.ssl.bundle.pem.rotating.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=200ms")
			.run((context) -> {
				int port = context.getBean(ReactorLifecycle.class).listener("secure").port();
				try (SSLSocket open = connect(port)) {
					assertThat(subject(open)).isEqualTo("CN=first");
					assertThat(echo(open, "before")).isEqualTo("before");

					install("second");
					await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
						try (SSLSocket fresh = connect(port)) {
							assertThat(subject(fresh)).isEqualTo("CN=second");
							assertThat(echo(fresh, "after")).isEqualTo("after");
						}
					});

					assertThat(subject(open)).isEqualTo("CN=first");
					assertThat(echo(open, "still here")).isEqualTo("still here");
				}
			});
	}

	private static SSLSocket connect(int port) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new AnyCertificate() }, new SecureRandom());
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
		socket.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
		socket.startHandshake();
		return socket;
	}

	private static String subject(SSLSocket socket) throws Exception {
		return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
	}

	private static String echo(SSLSocket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		OutputStream out = socket.getOutputStream();
		out.write(bytes);
		out.flush();
		return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
	}

	/** Copies {@code name}'s key and certificate over the live files the bundle watches. */
	private static void install(String name) throws IOException {
		Files.copy(dir.resolve(name + "-key.pem"), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
		Files.copy(dir.resolve(name + "-cert.pem"), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
	}

	private static void pem(String name) throws Exception {
		Process process = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
				"ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-addext",
				"subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve(name + "-key.pem").toString(), "-out",
				dir.resolve(name + "-cert.pem").toString()))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

	/** The test checks which certificate is served, not whether it is trusted. */
	private static final class AnyCertificate implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
