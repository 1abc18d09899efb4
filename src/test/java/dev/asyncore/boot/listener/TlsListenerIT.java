package dev.asyncore.boot.listener;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.config.ServiceConfiguration;
import dev.asyncore.boot.lifecycle.ReactorLifecycle;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		return new ApplicationContextRunner().withUserConfiguration(ServiceConfiguration.class)
			.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=secure",
					"asyncore.listeners[0].type=echo", "asyncore.listeners[0].host=127.0.0.1",
					"asyncore.listeners[0].port=0", "asyncore.listeners[0].tls.enabled=true",
					"asyncore.listeners[0].tls.key-store=" + keyStore,
					"asyncore.listeners[0].tls.key-store-password=" + new String(TestCertificates.PASSWORD));
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
