package dev.asyncore.boot.config;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncore.boot.Failures;
import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.listener.DispatcherFactory;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.boot.listener.TlsTransportFactory;
import dev.asyncore.boot.reactor.ReactorConfiguration;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ListenerConfigurationIT {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ReactorConfiguration.class)
		.withPropertyValues("asyncore.reactor.shutdown-grace=1s");

	@Test
	void whenListenersConfiguredOnPortZeroThenEachBindsAnEphemeralPortAndServes() {
		this.runner.withPropertyValues(props(listener(0, "echo-tcp", "echo", "tcp", 0),
				listener(1, "echo-udp", "echo", "udp", 0), listener(2, "discard-tcp", "discard", "tcp", 0),
				listener(3, "discard-udp", "discard", "udp", 0))).run((context) -> {
					ReactorLifecycle lifecycle = context.getBean(ReactorLifecycle.class);
					assertThat(lifecycle.isRunning()).isTrue();
					assertThat(lifecycle.listeners()).hasSize(4).allSatisfy((l) -> assertThat(l.port()).isPositive());
					assertThat(Loopback.echo(lifecycle.listener("echo-tcp").port(), bytes("hello")))
						.isEqualTo(bytes("hello"));
					assertThat(udpExchange(lifecycle.listener("echo-udp").port(), "ping")).isEqualTo("ping");

					assertThat(Loopback.echo(lifecycle.listener("discard-tcp").port(), new byte[1000])).isEmpty();
					udpSend(lifecycle.listener("discard-udp").port(), new byte[300]);
					ListenerRegistry registry = context.getBean(ListenerRegistry.class);
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						assertThat(stats(registry, "discard-tcp").get(Counter.BYTES_RECEIVED)).isEqualTo(1000);
						assertThat(stats(registry, "discard-tcp").get(Counter.BYTES_SENT)).isZero();
						assertThat(stats(registry, "discard-udp").get(Counter.BYTES_RECEIVED)).isEqualTo(300);
					});
				});
	}

	@Test
	void whenListenerNamesRepeatThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "echo", "echo", "tcp", 0), listener(1, "echo", "echo", "tcp", 0)))
			.run((context) -> assertFailure(context, "asyncore.listeners[1].name",
					"'echo' is already the name of asyncore.listeners[0]"));
	}

	@Test
	void whenPortsRepeatThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "a", "echo", "tcp", 7107), listener(1, "b", "discard", "tcp", 7107)))
			.run((context) -> assertFailure(context, "asyncore.listeners[1].port",
					"tcp port 7107 is already used by asyncore.listeners[0]"));
	}

	@Test
	void whenTypeIsUnknownThenStartupFailsListingTheKnownTypes() {
		this.runner.withPropertyValues(props(listener(0, "x", "chargen", "tcp", 0)))
			.run((context) -> assertFailure(context, "asyncore.listeners[0].type",
					"unknown listener type 'chargen'; known types: discard, echo"));
	}

	@Test
	void whenBacklogIsNegativeThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].backlog=-1"))
			.run((context) -> assertFailure(context, "listeners[0].backlog", "must be greater than or equal to 0"));
	}

	@Test
	void whenMaxConnectionsIsNegativeThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].max-connections=-5"))
			.run((context) -> assertFailure(context, "asyncore.listeners[0].max-connections",
					"must be greater than or equal to 0"));
	}

	@Test
	void whenWriteHighWaterMarkIsNotPositiveThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].write-high-water-mark=0"))
			.run((context) -> assertFailure(context, "asyncore.listeners[0].write-high-water-mark", "must be positive"));
	}

	@Test
	void whenSendBufferSizeIsZeroOrHugeThenStartupFailsNamingTheProperty() {
		for (String size : new String[] { "0", "2GB" }) {
			this.runner.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].send-buffer-size=" + size))
				.run((context) -> assertFailure(context, "asyncore.listeners[0].send-buffer-size", "must be between 1B and 1GB"));
		}
	}

	@Test
	void whenIdleTimeoutIsNegativeThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].idle-timeout=-1s"))
			.run((context) -> assertFailure(context, "asyncore.listeners[0].idle-timeout", "must not be negative"));
	}

	@Test
	void whenShutdownGraceIsNegativeOrStallTimeoutTooShortThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("asyncore.reactor.shutdown-grace=-1s")
			.run((context) -> assertFailure(context, "asyncore.reactor.shutdown-grace", "must not be negative"));
		this.runner.withPropertyValues("asyncore.reactor.stall-timeout=10ms")
			.run((context) -> assertFailure(context, "asyncore.reactor.stall-timeout", "must be at least 100ms"));
	}

	@Test
	void whenNameIsMissingThenStartupFailsSayingListsAreReplacedWhole() {
		this.runner.withPropertyValues("asyncore.listeners[0].port=17008").run((context) -> {
			assertFailure(context, "asyncore.listeners[0].name", "is required. Lists are replaced whole, never merged");
			FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getAction()).contains("--asyncore.listeners[0].name=... --asyncore.listeners[0].port=17008");
		});
	}

	@Test
	void whenTcpOnlyTypeIsAskedForUdpThenStartupFailsNamingTheProperty() {
		this.runner.withUserConfiguration(UppercaseType.class)
			.withPropertyValues(props(listener(0, "x", "uppercase", "udp", 0)))
			.run((context) -> assertFailure(context, "asyncore.listeners[0].protocol",
					"listener type 'uppercase' does not support udp"));
	}

	@Test
	void whenTlsTransportFactoryExistsThenEveryAcceptedConnectionIsWrapped() {
		this.runner.withUserConfiguration(CountingTls.class)
			.withPropertyValues(props(listener(0, "x", "echo", "tcp", 0), "asyncore.listeners[0].tls.enabled=true",
					"asyncore.listeners[0].tls.bundle=custom"))
			.run((context) -> {
				int port = context.getBean(ReactorLifecycle.class).listener("x").port();
				assertThat(Loopback.echo(port, bytes("one"))).isEqualTo(bytes("one"));
				assertThat(Loopback.echo(port, bytes("two"))).isEqualTo(bytes("two"));
				assertThat(context.getBean(CountingTls.class).wrapped.get()).isEqualTo(2);
				assertThat(context.getBean(CountingTls.class).bundle).isEqualTo("custom");
			});
	}

	@Test
	void whenListenerPortTakenThenStartupFailsWithClearMessage() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.runner.withPropertyValues(props(listener(0, "echo", "echo", "tcp", taken.getLocalPort())))
				.run((context) -> {
					assertFailure(context, "asyncore.listeners[0].port",
							"listener 'echo' cannot bind tcp 127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
					FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer()
						.analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("asyncore.listeners[0].port")
						.contains("Address already in use");
					assertThat(analysis.getAction()).contains("asyncore.listeners[0].port");
				});
		}
	}

	@Test
	void whenCustomDispatcherFactoryBeanExistsThenItsTypeServesAListener() {
		this.runner.withUserConfiguration(UppercaseType.class)
			.withPropertyValues(props(listener(0, "shout", "uppercase", "tcp", 0)))
			.run((context) -> {
				assertThat(context.getBean(ListenerRegistry.class).types()).containsExactly("discard", "echo",
						"uppercase");
				int port = context.getBean(ReactorLifecycle.class).listener("shout").port();
				assertThat(Loopback.echo(port, bytes("hello"))).isEqualTo(bytes("HELLO"));
				assertThat(stats(context.getBean(ListenerRegistry.class), "shout").get(Counter.ACCEPTS)).isEqualTo(1);
			});
	}

	static String[] listener(int index, String name, String type, String protocol, int port) {
		String p = "asyncore.listeners[" + index + "].";
		return new String[] { p + "name=" + name, p + "type=" + type, p + "protocol=" + protocol, p + "port=" + port };
	}

	/** Flattens property values and arrays of them. */
	static String[] props(Object... parts) {
		return Arrays.stream(parts)
			.flatMap((part) -> (part instanceof String[] many) ? Arrays.stream(many) : Stream.of((String) part))
			.toArray(String[]::new);
	}

	private static void assertFailure(AssertableApplicationContext context, String property, String reason) {
		assertThat(context).hasFailed();
		assertThat(Failures.messages(context.getStartupFailure())).contains(property).contains(reason);
	}

	private static ListenerStats stats(ListenerRegistry registry, String name) {
		return registry.listeners().stream().filter((l) -> l.name().equals(name)).findFirst().orElseThrow().stats();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String udpExchange(int port, String text) throws IOException {
		try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			socket.setSoTimeout(Loopback.READ_TIMEOUT_MILLIS);
			byte[] data = bytes(text);
			socket.send(new DatagramPacket(data, data.length, new InetSocketAddress("127.0.0.1", port)));
			DatagramPacket reply = new DatagramPacket(new byte[100], 100);
			socket.receive(reply);
			return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
		}
	}

	private static void udpSend(int port, byte[] data) throws IOException {
		try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
			socket.send(new DatagramPacket(data, data.length, new InetSocketAddress("127.0.0.1", port)));
		}
	}

	/** A custom listener type: echoes in upper case. */
	@Configuration(proxyBeanMethods = false)
	static class UppercaseType {

		@Bean
		DispatcherFactory uppercase() {
			return DispatcherFactory.tcp("uppercase", (reactor, channel, listener) -> new BufferedDispatcher(reactor,
					channel) {

				@Override
				protected void handleRead() {
					ByteBuffer buffer = reactor.readBuffer();
					if (recv(buffer) > 0) {
						send(ByteBuffer.wrap(StandardCharsets.US_ASCII.decode(buffer.flip())
							.toString()
							.toUpperCase()
							.getBytes(StandardCharsets.US_ASCII)));
					}
				}

			});
		}

	}

	/** Stands in for the TLS layer at the seam: a pass-through transport that counts connections. */
	@Configuration(proxyBeanMethods = false)
	static class CountingTls implements TlsTransportFactory {

		final AtomicInteger wrapped = new AtomicInteger();

		volatile String bundle;

		@Override
		public Wrapper forListener(String listener, AsyncoreProperties.TlsProperties tls) {
			this.bundle = tls.bundle();
			return (channel) -> {
				this.wrapped.incrementAndGet();
				return new PassThrough(channel);
			};
		}

	}

	private record PassThrough(SocketChannel channel) implements Transport {

		@Override
		public int read(ByteBuffer dst) throws IOException {
			return this.channel.read(dst);
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			return this.channel.write(src);
		}

		@Override
		public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
			return this.channel.write(srcs, offset, length);
		}

		@Override
		public long write(ByteBuffer[] srcs) throws IOException {
			return this.channel.write(srcs);
		}

		@Override
		public boolean isOpen() {
			return this.channel.isOpen();
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}
