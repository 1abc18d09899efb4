package dev.asyncore.boot.blackbox;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.probe.exporter.OperatorPages;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code asyncore.blackbox.history-limit} and {@code log-prober} reach the blackbox listener's pages and log. */
@Timeout(60)
class BlackboxOperatorPagesIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0");

	private final HttpClient client = HttpClient.newHttpClient();

	private String get(int port, String pathAndQuery) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

	@Test
	void theHistoryLimitAndTheProberLevelAreTheConfiguredOnes() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(OperatorPages.PROBER_LOGGER);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		logger.addAppender(lines);
		try (ServerSocket first = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
				ServerSocket second = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
			this.runner.withPropertyValues("asyncore.blackbox.history-limit=1", "asyncore.blackbox.log-prober=error")
				.run((context) -> {
					int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
					String one = "127.0.0.1:" + first.getLocalPort();
					String two = "127.0.0.1:" + second.getLocalPort();
					assertThat(get(port, "/probe?module=tcp_connect&target=" + one)).contains("\nprobe_success 1\n");
					assertThat(get(port, "/probe?module=tcp_connect&target=" + two)).contains("\nprobe_success 1\n");
					String page = get(port, "/");
					assertThat(page).as("one recent probe kept").contains("<td>" + two + "</td>").doesNotContain(one);
					assertThat(lines.list).isEmpty();
					second.close();
					assertThat(get(port, "/probe?module=tcp_connect&target=" + two)).contains("\nprobe_success 0\n");
					assertThat(lines.list).singleElement()
						.satisfies((line) -> assertThat(line.getLevel()).hasToString("ERROR"))
						.satisfies((line) -> assertThat(line.getFormattedMessage())
							.startsWith("Probe failed: module=tcp_connect target=" + two));
				});
		}
		finally {
			logger.detachAppender(lines);
		}
	}

	@Test
	void whenTheProberLevelOrTheLimitIsInvalidThenStartupFailsNamingTheKey() {
		this.runner.withPropertyValues("asyncore.blackbox.log-prober=loud").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("asyncore.blackbox.log-prober")
				.hasMessageContaining("debug, info, warn or error");
		});
		this.runner.withPropertyValues("asyncore.blackbox.history-limit=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("asyncore.blackbox.history-limit");
		});
	}

}
