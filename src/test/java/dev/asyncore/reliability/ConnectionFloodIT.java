package dev.asyncore.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.boot.Loopback;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.LoopTicks;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 3 of issue 7: slow connections are closed by the idle timeout, connections above
 * {@code max-connections} are rejected, and a burst of connects does not stall established
 * connections. Many connections come from one thread each (blocking sockets opened in a loop, or
 * one NIO selector), never a thread per connection.
 */
@Timeout(120)
class ConnectionFloodIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	/**
	 * 2,000 connections that send one byte every 10 s (the first at once) against a 2 s idle timeout:
	 * all are closed, counted as {@code timeout}, before their second byte is due.
	 */
	@Test
	void whenTwoThousandConnectionsSendOneByteEveryTenSecondsThenTheIdleTimeoutClosesThemAllFirst() throws Exception {
		int connections = 2_000;
		Duration idleTimeout = Duration.ofSeconds(2);
		Duration dripInterval = Duration.ofSeconds(10);
		ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
		List<Socket> sockets = new ArrayList<>();
		try (ReactorThread loop = new ReactorThread("slowloris")) {
			ListenerStats stats = new ListenerStats("slowloris");
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT,
					new ServerDispatcher.Options(1024, 0, idleTimeout), 1024 * 1024, stats));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int i = 0; i < connections; i++) {
				sockets.add(Loopback.connect(port));
			}
			long firstBytesSent = System.nanoTime();
			AtomicBoolean secondByteDue = new AtomicBoolean();
			drip.scheduleAtFixedRate(() -> {
				if (System.nanoTime() - firstBytesSent >= dripInterval.toNanos()) {
					secondByteDue.set(true);
				}
				for (Socket socket : sockets) {
					try {
						socket.getOutputStream().write('.');
					}
					catch (IOException ex) {
						// closed by the server: exactly what the test expects
					}
				}
			}, 0, dripInterval.toMillis(), TimeUnit.MILLISECONDS);

			await().atMost(dripInterval.minusSeconds(1))
				.until(() -> stats.get(Counter.TIMEOUTS) == connections && stats.activeConnections() == 0);
			Duration closedAfter = Duration.ofNanos(System.nanoTime() - firstBytesSent);
			System.out.printf("slowloris: %d connections closed by a %s idle timeout %d ms after their first byte%n",
					connections, idleTimeout, closedAfter.toMillis());
			assertThat(secondByteDue).isFalse();
			assertThat(closedAfter).isLessThan(dripInterval);
			int closedSeen = 0;
			for (Socket socket : sockets) {
				closedSeen += closedByPeer(socket) ? 1 : 0;
			}
			assertThat(closedSeen).isEqualTo(connections);
			assertThat(loop.call(() -> loop.reactor().size())).isEqualTo(1);
		}
		finally {
			drip.shutdownNow();
			closeAll(sockets);
		}
	}

	@Test
	void whenConnectionsExceedMaxConnectionsThenTheExcessIsRejectedAndTheOthersKeepWorking() throws Exception {
		int max = 100;
		int excess = 50;
		List<Socket> sockets = new ArrayList<>();
		try (ReactorThread loop = new ReactorThread("max-connections")) {
			ListenerStats stats = new ListenerStats("capped");
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT,
					new ServerDispatcher.Options(1024, max, Duration.ZERO), 1024 * 1024, stats));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int i = 0; i < max; i++) {
				Socket socket = Loopback.connect(port);
				sockets.add(socket);
				assertThat(Loopback.roundTrip(socket, "in " + i)).isEqualTo("in " + i);
			}
			List<Socket> rejected = new ArrayList<>();
			for (int i = 0; i < excess; i++) {
				rejected.add(Loopback.connect(port));
			}
			for (Socket socket : rejected) {
				assertThat(closedByPeer(socket)).as("an excess connection is closed by the server").isTrue();
			}
			closeAll(rejected);
			assertThat(stats.get(Counter.REJECTED)).isEqualTo(excess);
			assertThat(stats.activeConnections()).isEqualTo(max);
			for (int i = 0; i < max; i++) {
				assertThat(Loopback.roundTrip(sockets.get(i), "still " + i)).isEqualTo("still " + i);
			}
		}
		finally {
			closeAll(sockets);
		}
	}

	/**
	 * 20 established connections echo 64-byte round trips without pause while 5,000 non-blocking
	 * connects arrive at once; the p99 and the worst round trip during the burst stay bounded. The
	 * loop takes at most 16 connections per accept event, so accepting interleaves with their I/O.
	 */
	@Test
	void whenFiveThousandConnectsBurstInThenEstablishedConnectionsKeepTheirLatency() throws Exception {
		int established = 20;
		int burst = 5_000;
		List<Socket> clients = new ArrayList<>();
		List<SocketChannel> flood = new ArrayList<>();
		try (ReactorThread loop = new ReactorThread("burst"); Selector selector = Selector.open()) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			ListenerStats stats = server.stats();
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int i = 0; i < established; i++) {
				clients.add(Loopback.connect(port));
			}
			AtomicBoolean measuring = new AtomicBoolean(true);
			List<CompletableFuture<long[]>> pingers = new ArrayList<>();
			for (Socket client : clients) {
				pingers.add(CompletableFuture.supplyAsync(() -> pingPong(client, measuring)));
			}

			// a 10 ms tick on the loop for as long as the burst may last: the loop's CPU between two ticks
			LoopTicks ticks = LoopTicks.start(loop.reactor(), Duration.ofMillis(10), 100_000);
			long burstStart = System.nanoTime();
			for (int i = 0; i < burst; i++) {
				SocketChannel channel = SocketChannel.open();
				channel.configureBlocking(false);
				channel.connect(new InetSocketAddress("127.0.0.1", port));
				channel.register(selector, SelectionKey.OP_CONNECT);
				flood.add(channel);
			}
			int connected = 0;
			while (connected < burst && System.nanoTime() - burstStart < TimeUnit.SECONDS.toNanos(60)) {
				selector.select(1000);
				for (SelectionKey key : selector.selectedKeys()) {
					if (((SocketChannel) key.channel()).finishConnect()) {
						key.cancel();
						connected++;
					}
				}
				selector.selectedKeys().clear();
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> stats.get(Counter.ACCEPTS) == established + burst);
			Duration burstTook = Duration.ofNanos(System.nanoTime() - burstStart);
			measuring.set(false);

			long[] rtts = pingers.stream().map(CompletableFuture::join).flatMapToLong(Arrays::stream).sorted().toArray();
			long p50 = rtts[rtts.length / 2];
			long p99 = rtts[(int) (rtts.length * 0.99)];
			long max = rtts[rtts.length - 1];
			Duration cpuBetweenTicks = ticks.worstCpuBetweenTicks();
			System.out.printf("burst: %d connects accepted in %d ms; %d round trips of %d established connections "
					+ "meanwhile: p50 %d us, p99 %d us, max %d us; loop CPU between two 10 ms ticks at most %d ms%n", burst,
					burstTook.toMillis(), rtts.length, established, p50 / 1000, p99 / 1000, max / 1000,
					cpuBetweenTicks.toMillis());
			assertThat(connected).isEqualTo(burst);
			assertThat(stats.activeConnections()).isEqualTo(established + burst);
			assertThat(rtts.length).as("round trips during the burst").isGreaterThan(established * 10);
			// Accepting never holds the loop (a blocking or O(map size) accept path would): the loop's CPU
			// between two 10 ms ticks stays within a period plus one short pass, which holds on a busy machine
			// too. Measured on 2 cores: round trips p99 1.3 to 7 ms, worst 11 to 100 ms; the wall-clock bounds
			// also count waiting for a core, so they are generous.
			assertThat(cpuBetweenTicks).as("most loop CPU between two ticks during the burst").isLessThan(Duration.ofMillis(50));
			assertThat(Duration.ofNanos(p99)).isLessThan(Duration.ofMillis(500));
			assertThat(Duration.ofNanos(max)).isLessThan(Duration.ofSeconds(5));
		}
		finally {
			closeAll(clients);
			for (SocketChannel channel : flood) {
				Dispatcher.closeQuietly(channel);
			}
		}
	}

	/** Round trips of 64 bytes until {@code measuring} is cleared; their durations in nanoseconds. */
	private static long[] pingPong(Socket client, AtomicBoolean measuring) {
		long[] rtts = new long[1 << 16];
		int count = 0;
		byte[] ping = new byte[64];
		try {
			OutputStream out = client.getOutputStream();
			InputStream in = client.getInputStream();
			while (measuring.get()) {
				long start = System.nanoTime();
				out.write(ping);
				in.readNBytes(ping.length);
				if (count == rtts.length) {
					rtts = Arrays.copyOf(rtts, count * 2);
				}
				rtts[count++] = System.nanoTime() - start;
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return Arrays.copyOf(rtts, count);
	}

	/** Whether the server closed {@code socket}: end of stream or reset, within the read timeout. */
	private static boolean closedByPeer(Socket socket) throws IOException {
		try {
			InputStream in = socket.getInputStream();
			while (in.read() >= 0) {
				// the echo of earlier drip bytes may come first
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	private static void closeAll(List<Socket> sockets) throws IOException {
		for (Socket socket : sockets) {
			socket.close();
		}
	}

}
