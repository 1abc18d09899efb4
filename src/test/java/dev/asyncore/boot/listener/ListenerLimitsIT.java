package dev.asyncore.boot.listener;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.ServiceTest;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-listener limits of {@code application-it.yml}: {@code capped} takes 2 connections,
 * {@code idle} closes after 300 ms of silence, {@code slow} has a 64 KB write high-water mark.
 */
@ServiceTest
class ListenerLimitsIT {

	@Autowired
	private ReactorLifecycle lifecycle;

	@Autowired
	private ListenerRegistry registry;

	@Test
	void whenMaxConnectionsReachedThenTheExcessIsClosedAtOnceAndCountedRejected() throws IOException {
		int port = this.lifecycle.listener("capped").port();
		ListenerStats stats = stats("capped");
		long rejectedBefore = stats.get(Counter.REJECTED);
		try (Socket first = Loopback.connect(port); Socket second = Loopback.connect(port)) {
			assertThat(Loopback.roundTrip(first, "one")).isEqualTo("one");
			assertThat(Loopback.roundTrip(second, "two")).isEqualTo("two");
			try (Socket third = Loopback.connect(port)) {
				assertThat(third.getInputStream().read()).as("the third connection is closed by the server")
					.isEqualTo(-1);
			}
			assertThat(stats.get(Counter.REJECTED)).isEqualTo(rejectedBefore + 1);
			assertThat(stats.activeConnections()).isEqualTo(2);
		}
		await().until(() -> stats.activeConnections() == 0);
		try (Socket again = Loopback.connect(port)) {
			assertThat(Loopback.roundTrip(again, "room again")).isEqualTo("room again");
		}
	}

	@Test
	void whenConnectionStaysSilentPastIdleTimeoutThenItIsClosedAndCountedTimeout() throws IOException {
		ListenerStats stats = stats("idle");
		long timeoutsBefore = stats.get(Counter.TIMEOUTS);
		try (Socket client = Loopback.connect(this.lifecycle.listener("idle").port())) {
			// taken before the last activity the server sees (reading "hello" and echoing it): the idle
			// clock cannot start earlier, so the close comes a whole timeout after this, however loaded the machine
			long beforeLastActivity = System.nanoTime();
			assertThat(Loopback.roundTrip(client, "hello")).isEqualTo("hello");
			client.setSoTimeout(10_000);
			assertThat(client.getInputStream().read()).as("closed by the server").isEqualTo(-1);
			assertThat(Duration.ofNanos(System.nanoTime() - beforeLastActivity)).as("closed after the idle timeout")
				.isGreaterThanOrEqualTo(Duration.ofMillis(300))
				.isLessThan(Duration.ofSeconds(8));
		}
		assertThat(stats.get(Counter.TIMEOUTS)).isEqualTo(timeoutsBefore + 1);
	}

	@Test
	void whenPeerSendsButNeverReadsThenPendingOutputStaysUnderTheMarkAndReadingPauses() throws Exception {
		Reactor reactor = this.lifecycle.reactor();
		long mark = this.lifecycle.listener("slow").listener().properties().writeHighWaterMark().toBytes();
		try (Socket client = new Socket()) {
			client.setReceiveBufferSize(4096);
			client.connect(new InetSocketAddress("127.0.0.1", this.lifecycle.listener("slow").port()));
			AtomicLong written = new AtomicLong();
			CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> writeUntilFailure(client, written));
			AtomicLong maxPending = new AtomicLong();
			int clientPort = client.getLocalPort();

			await().atMost(Duration.ofSeconds(20)).until(() -> {
				HandlerView view = view(reactor, clientPort);
				maxPending.accumulateAndGet(view.pending(), Math::max);
				return view.pending() >= mark && !view.interest().contains("R");
			});
			long receivedWhenPaused = view(reactor, clientPort).received();
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> {
				HandlerView view = view(reactor, clientPort);
				maxPending.accumulateAndGet(view.pending(), Math::max);
				return view.received() == receivedWhenPaused && !view.interest().contains("R");
			});

			// One read may land just below the mark, so the bound is the mark plus one read buffer.
			assertThat(maxPending.get()).isGreaterThanOrEqualTo(mark).isLessThan(mark + Reactor.READ_BUFFER_SIZE);
			assertThat(written.get()).as("the peer keeps the kernel buffers full, not the server's memory")
				.isGreaterThan(receivedWhenPaused);
			client.close();
			flood.exceptionally((ex) -> null).get();
		}
	}

	private static void writeUntilFailure(Socket client, AtomicLong written) {
		byte[] chunk = new byte[16 * 1024];
		try {
			OutputStream out = client.getOutputStream();
			while (written.get() < 64L * 1024 * 1024) {
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
		}
		catch (IOException ex) {
			// The test closed the socket: the flood is over.
		}
	}

	private static HandlerView view(Reactor reactor, int clientPort) throws Exception {
		return reactor.submit(() -> reactor.dispatchers()
			.stream()
			.filter((d) -> d instanceof EchoHandler && d.remoteAddress() instanceof InetSocketAddress remote
					&& remote.getPort() == clientPort)
			.map((d) -> new HandlerView(((EchoHandler) d).pendingBytes(), d.bytesReceived(), d.interestString()))
			.findFirst()
			.orElse(new HandlerView(0, 0, "none")))
			.get();
	}

	private ListenerStats stats(String name) {
		return this.registry.listeners().stream().filter((l) -> l.name().equals(name)).findFirst().orElseThrow().stats();
	}

	private record HandlerView(long pending, long received, String interest) {
	}

}
