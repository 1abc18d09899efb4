package dev.asyncore.boot.blackbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's {@code /probe} with the tcp and udp probers, probing its own listeners. */
@Timeout(60)
class TcpUdpProbesIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class, BlackboxConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].port=0",
				"asyncore.listeners[0].host=127.0.0.1", "asyncore.listeners[1].name=echo-udp",
				"asyncore.listeners[1].type=echo", "asyncore.listeners[1].protocol=udp",
				"asyncore.listeners[1].host=127.0.0.1", "asyncore.listeners[1].port=0",
				"asyncore.listeners[2].name=echo", "asyncore.listeners[2].type=echo",
				"asyncore.listeners[2].host=127.0.0.1", "asyncore.listeners[2].port=0");

	private final HttpClient client = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	private String probe(int port, String module, String target) throws Exception {
		HttpResponse<String> response = this.client.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/probe?module=" + module + "&target=" + target))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	@Test
	void theDefaultTcpConnectAndAUdpEchoModuleProbeTheServicesOwnListeners() throws Exception {
		Path file = this.dir.resolve("blackbox.yml");
		Files.writeString(file, """
				modules:
				  udp_echo:
				    prober: udp
				    timeout: 2s
				    udp:
				      query_response:
				        - send: "are you there"
				        - expect: "^are you there$"
				  tcp_echo:
				    prober: tcp
				    timeout: 2s
				    tcp:
				      query_response:
				        - send: "hello echo"
				        - expect: "^hello (echo)$"
				          labels: [{name: word, value: "${1}"}]
				""");
		this.runner.withPropertyValues("asyncore.blackbox.config-file=" + file).run(context -> {
			ReactorLifecycle listeners = context.getBean(ReactorLifecycle.class);
			int blackbox = listeners.listener("blackbox").port();
			int udp = listeners.listener("echo-udp").port();
			int tcp = listeners.listener("echo").port();
			assertThat(probe(blackbox, "tcp_connect", "127.0.0.1:" + blackbox)).contains("probe_success 1",
					"probe_tcp_duration_seconds{phase=\"connect\"}");
			assertThat(probe(blackbox, "udp_echo", "127.0.0.1:" + udp)).contains("probe_success 1");
			assertThat(probe(blackbox, "tcp_echo", "127.0.0.1:" + tcp)).contains("probe_success 1",
					"probe_expect_info{word=\"echo\"} 1");
			assertThat(probe(blackbox, "udp_echo", "127.0.0.1:" + tcp)).as("nothing answers UDP there")
				.contains("probe_success 0");
		});
	}

}
