package dev.asyncore.reliability;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.boot.Loopback;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 2 of issue 7: a client's half-close gets every echoed byte and then end of stream; a client
 * that resets mid-stream is cleaned up and counted as a close (not an error) while others go on;
 * writing to a reset peer never throws out of the loop.
 */
@Timeout(60)
class HalfCloseAndResetIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	private static final int MESSAGE = 8 * 1024 * 1024;

	@Test
	void whenClientShutsDownOutputThenEveryEchoedByteArrivesThenEndOfStream() throws Exception {
		byte[] message = Bytes.random(new Random(11), MESSAGE);
		try (ReactorThread loop = new ReactorThread("half-close")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			try (Socket client = Loopback.connect(port)) {
				CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readToEnd(client));
				client.getOutputStream().write(message);
				client.shutdownOutput();
				// readToEnd returns only on end of stream: a reset would throw instead
				assertThat(Bytes.sha256(echoed.get(30, TimeUnit.SECONDS))).isEqualTo(Bytes.sha256(message));
			}
			ListenerStats stats = server.stats();
			await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 0);
			assertThat(stats.get(Counter.BYTES_SENT)).isEqualTo(MESSAGE);
			assertThat(stats.get(Counter.CLOSES)).isEqualTo(1);
			assertThat(stats.get(Counter.ERRORS)).isZero();
		}
	}

	@Test
	void whenClientResetsMidStreamThenTheServerCleansUpCountsACloseAndKeepsServingOthers() throws Exception {
		try (ReactorThread loop = new ReactorThread("reset")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			ListenerStats stats = server.stats();
			try (Socket other = Loopback.connect(port)) {
				assertThat(Loopback.roundTrip(other, "before")).isEqualTo("before");
				Socket resetter = Loopback.connect(port);
				// Mid-stream: the server has echo output queued for it (the resetter does not read).
				OutputStream out = resetter.getOutputStream();
				byte[] chunk = new byte[64 * 1024];
				for (int i = 0; i < 16; i++) {
					out.write(chunk);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> stats.get(Counter.BYTES_RECEIVED) >= 512 * 1024);
				resetter.setSoLinger(true, 0);
				resetter.close(); // RST

				await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 1);
				assertThat(stats.get(Counter.CLOSES)).isEqualTo(1);
				assertThat(stats.get(Counter.ERRORS)).isZero();
				assertThat(loop.reactor().size()).isEqualTo(2); // the listener and the other client
				assertThat(Loopback.roundTrip(other, "after the reset")).isEqualTo("after the reset");
			}
			assertThat(loop.failure()).isNull();
		}
	}

	@Test
	void whenWritingToAResetPeerThenNoExceptionLeavesTheLoopAndTheConnectionCloses() throws Exception {
		try (ReactorThread loop = new ReactorThread("write-to-reset")) {
			List<Throwable> escaped = new CopyOnWriteArrayList<>();
			AtomicReference<Ticker> ticker = new AtomicReference<>();
			ListenerStats stats = new ListenerStats("ticker");
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(), ANY_PORT,
					ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> {
						Ticker created = new Ticker(reactor, channel, escaped);
						ticker.set(created);
						return created;
					}));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			try (Socket peer = Loopback.connect(port)) {
				InputStream in = peer.getInputStream();
				assertThat(in.read()).as("the ticker writes").isGreaterThanOrEqualTo(0);
				peer.setSoLinger(true, 0);
			} // RST; the ticker keeps writing every 5 ms until a write sees the reset

			await().atMost(Duration.ofSeconds(10)).until(() -> ticker.get().isClosed());
			assertThat(escaped).as("exceptions thrown by send()").isEmpty();
			assertThat(ticker.get().isBroken()).isTrue();
			assertThat(stats.get(Counter.ERRORS)).isZero();
			assertThat(stats.get(Counter.CLOSES)).isEqualTo(1);
			assertThat(loop.failure()).isNull();
			assertThat(loop.call(() -> loop.reactor().size())).isEqualTo(1);
		}
	}

	private static byte[] readToEnd(Socket socket) {
		try {
			return Loopback.readToEnd(socket.getInputStream());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes 1 KiB to its peer every 5 ms from a timer, recording anything send() throws. */
	static final class Ticker extends Dispatcher {

		private final List<Throwable> escaped;

		Ticker(Reactor reactor, SocketChannel channel, List<Throwable> escaped) {
			super(reactor, channel);
			this.escaped = escaped;
			tick();
		}

		private void tick() {
			if (isClosed()) {
				return;
			}
			try {
				send(ByteBuffer.allocate(1024));
			}
			catch (RuntimeException ex) {
				this.escaped.add(ex);
				throw ex;
			}
			this.reactor.schedule(Duration.ofMillis(5), this::tick);
		}

		@Override
		public boolean readable() {
			return false;
		}

	}

}
