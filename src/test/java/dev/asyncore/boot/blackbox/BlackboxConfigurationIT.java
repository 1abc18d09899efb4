package dev.asyncore.boot.blackbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.probe.dns.FakeDnsServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code blackbox} listener type in the service: module file, reload, startup errors. */
@Timeout(60)
class BlackboxConfigurationIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0");

	private final HttpClient client = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	private HttpResponse<String> send(int port, String method, String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void whenTheModuleFileChangesThenReloadServesTheNewModulesAndAnInvalidOneKeepsTheOld() throws Exception {
		Path file = this.dir.resolve("blackbox.yml");
		Files.writeString(file, "modules:\n  first:\n    prober: http\n");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file, "asyncore.blackbox.reload-check-interval=0")
			.run(context -> {
				int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
				assertThat(send(port, "GET", "/").body()).contains("first", "http_2xx");
				Files.writeString(file, "modules:\n  second:\n    prober: http\n");
				assertThat(send(port, "POST", "/-/reload").statusCode()).isEqualTo(200);
				assertThat(send(port, "GET", "/probe?module=first&target=x").statusCode()).isEqualTo(400);
				assertThat(send(port, "GET", "/").body()).contains("second");
				Files.writeString(file, "modules:\n  third:\n    prober: htp\n");
				HttpResponse<String> refused = send(port, "POST", "/-/reload");
				assertThat(refused.statusCode()).isEqualTo(500);
				assertThat(refused.body()).contains("modules.third.prober");
				assertThat(send(port, "GET", "/").body()).contains("second");
			});
	}

	@Test
	void whenTheFileChangesOnDiskThenItIsReloadedWithoutARequest() throws Exception {
		Path file = this.dir.resolve("watched.yml");
		Files.writeString(file, "modules:\n  before:\n    prober: http\n");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file, "asyncore.blackbox.reload-check-interval=100ms")
			.run(context -> {
				int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
				Files.writeString(file, "modules:\n  after:\n    prober: http\n");
				Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
				await().atMost(Duration.ofSeconds(10)).until(() -> send(port, "GET", "/").body().contains("after"));
			});
	}

	@Test
	void whenTheModuleFileIsInvalidThenStartupFailsNamingTheKey() throws Exception {
		Path file = this.dir.resolve("bad.yml");
		// a typo (issue 26: a blackbox_exporter option not implemented here, such as proxy_url, now loads)
		Files.writeString(file, "modules:\n  web:\n    prober: http\n    http:\n      proxy_ulr: http://proxy:3128\n");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("asyncore.blackbox.config-file")
				.hasMessageContaining("modules.web.http.proxy_ulr: unknown key");
		});
	}

	@Test
	void whenTheBuiltInDnsModuleIsAskedForThenTheLoopsDnsProberAnswers() throws Exception {
		try (FakeDnsServer dns = new FakeDnsServer()) {
			this.runner.withPropertyValues("asyncore.blackbox.allow-private-networks=true").run(context -> {
				int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
				assertThat(send(port, "GET", "/").body()).contains("dns_udp");
				String metrics = send(port, "GET", "/probe?module=dns_udp&target=" + dns.target()).body();
				assertThat(metrics).contains("\nprobe_success 1\n", "\nprobe_dns_answer_rrs 1\n", "\nprobe_dns_rcode 0\n");
				String nothing = send(port, "GET", "/probe?module=dns_udp&target=127.0.0.1:1").body();
				assertThat(nothing).contains("\nprobe_success 0\n");
			});
		}
	}

	@Test
	void whenThePolicyRefusesAPrivateTargetThenTheDebugOutputNamesTheSettingThatAdmitsIt() throws Exception {
		this.runner.withPropertyValues("asyncore.blackbox.allow-private-networks=false").run(context -> {
			int port = context.getBean(ReactorLifecycle.class).listener("blackbox").port();
			String debug = send(port, "GET", "/probe?module=tcp_connect&target=127.0.0.1:1&debug=true").body();
			assertThat(debug).contains("probe_success 0", "(set asyncore.blackbox.allow-private-networks: true to fetch it)")
				.doesNotContain("allowPrivateNetworks");
		});
	}

}
