package dev.asyncore.boot;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.DispatcherServlet;

import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.boot.fetch.FetchController;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.boot.security.Credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The service in a blackbox_exporter slot: started as {@code main} starts it, with the
 * {@code blackbox-slot} profile ({@code spring.main.web-application-type=none}), it runs no Tomcat
 * and no servlet bean, binds no HTTP port, and serves {@code /probe} and {@code /-/healthy} on the
 * blackbox listener alone, with the same credentials rule, the Prometheus registry and the
 * graceful stop.
 */
@Timeout(120)
class BlackboxSlotIT {

	private static final String LOOPBACK = "127.0.0.1";

	/**
	 * The jar's defaults only (./config/application.yml binds every interface) and the profile; an
	 * echo listener to probe and the blackbox listener on {@code blackboxHost}, both on ephemeral ports.
	 */
	private static List<String> slot(int serverPort, String blackboxHost, String... more) {
		List<String> args = new ArrayList<>(List.of("--spring.config.location=classpath:/",
				"--spring.profiles.active=blackbox-slot", "--server.port=" + serverPort,
				"--asyncore.reactor.shutdown-grace=1s", "--asyncore.listeners[0].name=echo",
				"--asyncore.listeners[0].type=echo", "--asyncore.listeners[0].host=127.0.0.1",
				"--asyncore.listeners[0].port=0", "--asyncore.listeners[1].name=blackbox",
				"--asyncore.listeners[1].type=blackbox", "--asyncore.listeners[1].host=" + blackboxHost,
				"--asyncore.listeners[1].port=0"));
		args.addAll(List.of(more));
		return args;
	}

	private static ConfigurableApplicationContext start(List<String> args) {
		return new SpringApplicationBuilder(AsyncoreApplication.class).run(args.toArray(String[]::new));
	}

	@Test
	void whenStartedAsASlotThenTheBlackboxListenerServesProbesAndHealthWithNoHttpPortBound() throws Exception {
		int serverPort = freePort();
		ConfigurableApplicationContext context = start(slot(serverPort, LOOPBACK));
		int blackbox;
		try {
			assertThat(context).isNotInstanceOf(WebServerApplicationContext.class);
			assertThat(context.getBeansOfType(SecurityFilterChain.class)).isEmpty();
			assertThat(context.getBeansOfType(DispatcherServlet.class)).isEmpty();
			assertThat(context.getBeansOfType(FetchController.class)).isEmpty();
			assertNothingListens(serverPort);

			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			blackbox = lifecycle.listener("blackbox").port();
			Http exporter = new Http(blackbox);
			HttpResponse<String> healthy = exporter.get("/-/healthy");
			assertThat(healthy.statusCode()).isEqualTo(200);
			assertThat(healthy.body()).isEqualTo("Healthy\n");
			HttpResponse<String> probe = exporter
				.get("/probe?module=tcp_connect&target=127.0.0.1:" + lifecycle.listener("echo").port());
			assertThat(probe.statusCode()).isEqualTo(200);
			assertThat(probe.body()).contains("probe_success 1");

			// the registry the exporter's /metrics renders exists without Actuator's web endpoint
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(Prometheus.value(scrape, "asyncore_listener_bound", "listener", "blackbox")).isEqualTo(1);
			assertThat(Prometheus.value(scrape, "asyncore_events_total", "listener", "echo", "event", "accept"))
				.isPositive();
		}
		finally {
			context.close();
		}
		assertNothingListens(blackbox); // the graceful stop (SIGTERM's path) closed the listener
	}

	@Test
	void whenCredentialsAreConfiguredThenTheSlotsProbeNeedsThem() {
		String token = Credentials.newToken();
		try (ConfigurableApplicationContext context = start(slot(0, LOOPBACK, "--asyncore.security.tokens[0].name=prometheus",
				"--asyncore.security.tokens[0].hash=" + Credentials.hashToken(token)))) {
			ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
			String path = "/probe?module=tcp_connect&target=127.0.0.1:" + lifecycle.listener("echo").port();
			int blackbox = lifecycle.listener("blackbox").port();

			assertThat(new Http(blackbox).get(path).statusCode()).isEqualTo(401);
			assertThat(new Http(blackbox, "Bearer wrong").get(path).statusCode()).isEqualTo(401);
			HttpResponse<String> allowed = new Http(blackbox, "Bearer " + token).get(path);
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.body()).contains("probe_success 1");
			assertThat(new Http(blackbox).get("/-/healthy").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void whenTheSlotsBlackboxListenerIsNotLoopbackWithoutCredentialsThenStartupFails() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> start(slot(0, "0.0.0.0")).close())
			.satisfies((failure) -> assertThat(Failures.messages(failure))
				.contains(InvalidConfigurationException.class.getSimpleName() + ": ")
				.contains("HTTP listens on 0.0.0.0 (asyncore.listeners[1].host), not loopback")
				.contains("asyncore.security.tokens")
				.doesNotContain("server.address"));
	}

	@Test
	void whenTheSlotSetsServerAddressToEveryInterfaceThenNothingListensAndItStartsWithoutCredentials()
			throws Exception {
		int serverPort = freePort();
		try (ConfigurableApplicationContext context = start(
				slot(serverPort, LOOPBACK, "--server.address=0.0.0.0", "--management.server.port=" + serverPort))) {
			assertThat(context.getBean(ReactorLifecycle.class).listener("blackbox").port()).isPositive();
			assertNothingListens(serverPort);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void assertNothingListens(int port) {
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
			}
		});
	}

}
