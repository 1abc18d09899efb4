package dev.asyncore.boot.listener;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A listener with a {@code tls} block, exercised by the JDK's own TLS client (SSLSocket). */
@Timeout(60)
class TlsListenerIT {

	@TempDir
	static Path dir;

	private static Path keyStore;

	@BeforeAll
	static void certificate() throws Exception {
		keyStore = TestCertificates.generate(dir, "server", "ip:127.0.0.1,dns:localhost");
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withUserConfiguration(ReactorConfiguration.class)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=secure",
					"asyncore.listeners[0].type=echo", "asyncore.listeners[0].host=127.0.0.1",
					"asyncore.listeners[0].port=0", "asyncore.listeners[0].tls.enabled=true",
					"asyncore.listeners[0].tls.bundle=server",
					"spring.ssl.bundle.jks.server.keystore.location=file:" + keyStore,
					"spring.ssl.bundle.jks.server.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.server.keystore.password=" + new String(TestCertificates.PASSWORD));
	}

	@Test
	void whenHandshakesFailThenTheyAreCountedAsTlsFailuresNotErrors() {
		runner().run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("secure").port();
			try (Socket plain = Loopback.connect(port)) {
				plain.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
				Loopback.readToEnd(plain.getInputStream());
			}
			// A CBC suite on TLS 1.2: the JDK client offers it, the server's defaults refuse it.
			SSLContext client = TestCertificates.trusting(keyStore);
			try (SSLSocket cbc = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
				cbc.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
				cbc.setEnabledProtocols(new String[] { "TLSv1.2" });
				cbc.setEnabledCipherSuites(new String[] { "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" });
				assertThatExceptionOfType(SSLException.class).isThrownBy(cbc::startHandshake);
			}
			ListenerStats stats = context.getBean(ListenerRegistry.class).listeners().get(0).stats();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(stats.get(Counter.TLS_HANDSHAKE_FAILED)).isEqualTo(2));
			assertThat(stats.get(Counter.ERRORS)).isZero();
			assertThat(context.getBean(ReactorLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void whenTheBundleDoesNotExistThenStartupFailsNamingTheKey() {
		runner().withPropertyValues("asyncore.listeners[0].tls.bundle=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains(
					"asyncore.listeners[0].tls.bundle: cannot use SSL bundle 'nope': no SSL bundle named 'nope'; "
							+ "configured bundles: server");
		});
	}

	@Test
	void whenTheFormerKeyStoreKeysAreUsedThenStartupFailsPointingToTheBundleForm() {
		runner().withPropertyValues("asyncore.listeners[0].tls.key-store=file:/etc/server.p12").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("asyncore.listeners[0].tls.key-store: is no longer supported; ")
				.contains("spring.ssl.bundle.jks.NAME.keystore.location", "tls.bundle: NAME");
		});
		runner().withPropertyValues("asyncore.listeners[0].tls.bundle=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("asyncore.listeners[0].tls.bundle: is required when asyncore.listeners[0].tls.enabled is true");
		});
	}

	@Test
	void whenATlsClientConnectsThenItsBytesAreEchoedOverTls() {
		runner().run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("secure").port();
			SSLContext client = TestCertificates.trusting(keyStore);
			for (int i = 0; i < 3; i++) {
				try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
					socket.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
					socket.startHandshake();
					byte[] message = ("secret " + i + " ").repeat(5000).getBytes(StandardCharsets.UTF_8);
					OutputStream out = socket.getOutputStream();
					out.write(message);
					out.flush();
					assertThat(socket.getInputStream().readNBytes(message.length)).isEqualTo(message);
					assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
				}
			}
		});
	}

	@Test
	void whenAPlainTextClientConnectsThenNothingIsEchoedInClear() {
		runner().run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("secure").port();
			try (Socket socket = Loopback.connect(port)) {
				socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				InputStream in = socket.getInputStream();
				byte[] reply = Loopback.readToEnd(in);
				assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("GET /");
			}
		});
	}

	@Test
	void whenTheClientDoesNotTrustTheCertificateThenTheHandshakeFails() {
		runner().run((context) -> {
			int port = context.getBean(ReactorLifecycle.class).listener("secure").port();
			SSLContext defaults = SSLContext.getDefault();
			try (SSLSocket socket = (SSLSocket) defaults.getSocketFactory().createSocket("127.0.0.1", port)) {
				socket.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
				assertThatExceptionOfType(SSLException.class).isThrownBy(socket::startHandshake);
			}
		});
	}

}
