package dev.asyncore.ipv6;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.FetchResult;
import dev.asyncore.http.Fetcher;
import dev.asyncore.support.ReactorThread;

/** IPv6 loopback: echo listeners on {@code ::1} (core and service) and the HTTP client on {@code [::1]}. */
@Timeout(60)
class Ipv6IT {

	private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 0);

	private static final byte[] HELLO = "hello over ipv6".getBytes(StandardCharsets.US_ASCII);

	@Test
	void whenAnEchoServerListensOnIpv6LoopbackThenItEchoes() throws Exception {
		try (ReactorThread loop = new ReactorThread("ipv6-echo")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), LOOPBACK6));
			InetSocketAddress bound = (InetSocketAddress) server.localAddress();
			assertThat(bound.getAddress()).isInstanceOf(Inet6Address.class);
			assertThat(bound.getAddress().isLoopbackAddress()).isTrue();
			assertThat(echo(bound)).isEqualTo(HELLO);
		}
	}

	@Test
	void whenAConfiguredEchoListenerBindsIpv6LoopbackThenItEchoes() {
		new ApplicationContextRunner().withUserConfiguration(ReactorConfiguration.class)
			.withPropertyValues("asyncore.reactor.shutdown-grace=1s", "asyncore.listeners[0].name=echo6",
					"asyncore.listeners[0].host=::1", "asyncore.listeners[0].port=0")
			.run((context) -> {
				ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
				InetSocketAddress bound = lifecycle.listener("echo6").address();
				assertThat(bound.getAddress()).isEqualTo(InetAddress.getByName("::1"));
				assertThat(echo(bound)).isEqualTo(HELLO);
				assertThat(lifecycle.isBound("echo6")).isTrue();
			});
	}

	@Test
	void whenTheHttpClientFetchesAnIpv6LiteralThenItConnectsToIt() throws Exception {
		HttpServer origin = HttpServer.create(LOOPBACK6, 0);
		origin.createContext("/", exchange -> {
			byte[] body = "v6".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		origin.start();
		FetchPolicy policy = FetchPolicy.builder()
			.allowPrivateNetworks(true)
			.connectTimeout(Duration.ofSeconds(2))
			.readTimeout(Duration.ofSeconds(2))
			.totalTimeout(Duration.ofSeconds(10))
			.build();
		try (ReactorThread loop = new ReactorThread("ipv6-fetch");
				Fetcher fetcher = Fetcher.builder(loop.reactor()).policy(policy).build()) {
			URI uri = URI.create("http://[::1]:" + origin.getAddress().getPort() + "/");
			FetchResult result = fetcher.fetch(uri).get(20, TimeUnit.SECONDS);
			assertThat(result.status()).isEqualTo(200);
			assertThat(new String(result.body(), StandardCharsets.US_ASCII)).isEqualTo("v6");
			assertThat(result.remoteAddress().getAddress()).isInstanceOf(Inet6Address.class);
		}
		finally {
			origin.stop(0);
		}
	}

	private static byte[] echo(InetSocketAddress address) throws Exception {
		try (Socket socket = new Socket()) {
			socket.connect(address, 10_000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(HELLO);
			return socket.getInputStream().readNBytes(HELLO.length);
		}
	}

}
