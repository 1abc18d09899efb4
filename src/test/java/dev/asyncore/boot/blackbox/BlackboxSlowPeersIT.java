package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's blackbox listener under slow peers: {@code asyncore.blackbox.request-head-timeout}
 * and the listener's eviction of the longest-waiting connection when {@code max-connections} are open.
 */
@Timeout(90)
class BlackboxSlowPeersIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0",
				"asyncore.listeners[0].host=127.0.0.1", "asyncore.listeners[0].max-connections=20");

	private static String readAll(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		catch (SocketException ex) {
			return "<reset>";
		}
	}

	@Test
	void slowHeadsFillingTheListenerDoNotKeepAProbeOutAndASilentConnectionIsClosedAtTheHeadDeadline() throws Exception {
		this.runner.withPropertyValues("asyncore.blackbox.request-head-timeout=1s").run(context -> {
			int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
			List<Socket> slow = new ArrayList<>();
			try {
				for (int i = 0; i < 100; i++) {
					Socket socket = new Socket("127.0.0.1", port);
					socket.getOutputStream().write("GET /probe?target=".getBytes(StandardCharsets.ISO_8859_1));
					slow.add(socket);
				}
				int closed;
				try (ServerSocket nothing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
					closed = nothing.getLocalPort();
				}
				long start = System.nanoTime();
				try (Socket probe = new Socket("127.0.0.1", port)) {
					probe.setSoTimeout(10_000);
					probe.getOutputStream().write(("GET /probe?module=tcp_connect&target=127.0.0.1:" + closed
							+ " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
					assertThat(readAll(probe)).startsWith("HTTP/1.1 200 ").contains("probe_success 0");
				}
				assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
				Socket last = slow.get(slow.size() - 1);
				last.setSoTimeout(10_000);
				start = System.nanoTime();
				assertThat(readAll(last)).as("a head that never ends gets 408 at its deadline").startsWith("HTTP/1.1 408 ");
				assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000L);
			}
			finally {
				for (Socket socket : slow) {
					socket.close();
				}
			}
		});
	}

	@Test
	void aDeadlineThatIsNotPositiveStopsStartupNamingTheKey() {
		this.runner.withPropertyValues("asyncore.blackbox.request-body-timeout=0s")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("asyncore.blackbox.request-body-timeout")
				.hasMessageContaining("must be positive"));
	}

}
