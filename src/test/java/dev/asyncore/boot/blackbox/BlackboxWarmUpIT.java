package dev.asyncore.boot.blackbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.probe.exporter.ExporterWarmUp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code asyncore.blackbox.warm-up}: once the application is ready, each prober of the module file
 * (here the built-in http_2xx, tcp_connect and dns_udp) is run once off the serving loops, and
 * nothing of it shows on the blackbox listener.
 */
@Timeout(60)
class BlackboxWarmUpIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0");

	private static ExporterWarmUp.Result ready(AssertableApplicationContext context) throws Exception {
		context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0],
				context.getSourceApplicationContext(), Duration.ZERO));
		return context.getBean(BlackboxWarmUp.class).result().get(30, TimeUnit.SECONDS);
	}

	private static String landingPage(AssertableApplicationContext context) throws Exception {
		int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	@Test
	void whenReadyEachProberOfTheModuleFileRunsOnceAndTheListenerShowsNoneOfIt() {
		this.runner.run((context) -> {
			ExporterWarmUp.Result result = ready(context);

			assertThat(result.answers()).containsOnlyKeys("http_2xx (http)", "tcp_connect (tcp)", "dns_udp (dns)");
			assertThat(result.answers().values()).containsOnly("probe_success 0");
			assertThat(landingPage(context)).contains("<h2>Recent Probes</h2>").doesNotContain("<td>http_2xx</td>",
					"<td>tcp_connect</td>", "<td>dns_udp</td>");
		});
	}

	@Test
	void whenTurnedOffOrWithoutABlackboxListenerNothingRuns() {
		this.runner.withPropertyValues("asyncore.blackbox.warm-up=false")
			.run((context) -> assertThat(ready(context)).isNull());
		this.runner.withPropertyValues("asyncore.listeners[0].type=echo")
			.run((context) -> assertThat(ready(context)).isNull());
	}

	@Test
	void afterAReloadOnlyTheProbersTheFileNewlyUsesAreWarmed(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("blackbox.yml"), """
				modules:
				  tcp_a:
				    prober: tcp
				""");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file, "asyncore.blackbox.reload-check-interval=0")
			.run((context) -> {
				// the file's tcp module and the built-in modules the service adds to every file
				assertThat(ready(context).probers()).contains("tcp").doesNotContain("grpc");
				BlackboxModules modules = context.getBean(BlackboxModules.class);
				BlackboxWarmUp warmUp = context.getBean(BlackboxWarmUp.class);

				Files.writeString(file, """
						modules:
						  tcp_a:
						    prober: tcp
						  tcp_b:
						    prober: tcp
						  grpc_a:
						    prober: grpc
						""");
				assertThat(modules.reload().get(10, TimeUnit.SECONDS)).isNull();
				ExporterWarmUp.Result reloaded = warmUp.lastReload().get(30, TimeUnit.SECONDS);
				assertThat(reloaded.answers()).containsOnlyKeys("grpc_a (grpc)");
				assertThat(reloaded.answers().values()).containsOnly("probe_success 0");

				assertThat(modules.reload().get(10, TimeUnit.SECONDS)).isNull(); // nothing new: nothing runs
				assertThat(warmUp.lastReload().get(30, TimeUnit.SECONDS).answers()).isEmpty();
			});
	}

	@Test
	void withTheWarmUpOffAReloadWarmsNothing(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("blackbox.yml"), "modules:\n  tcp_a:\n    prober: tcp\n");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file, "asyncore.blackbox.reload-check-interval=0",
				"asyncore.blackbox.warm-up=false").run((context) -> {
					assertThat(ready(context)).isNull();
					assertThat(context.getBean(BlackboxModules.class).reload().get(10, TimeUnit.SECONDS)).isNull();
					assertThat(context.getBean(BlackboxWarmUp.class).lastReload().get(1, TimeUnit.SECONDS)).isNull();
				});
	}

}
