package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.echo.EchoHandler;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

/**
 * The output queue over loopback: a send before the connection completes (CPython's
 * {@code test_send}), and the memory budget pausing the largest queue, serving a small client
 * meanwhile, and reading the paused one to the end once its peer reads and the budget drains.
 */
@Timeout(60)
class OutputQueueIT {

	@Test
	void whenSendIsCalledBeforeTheConnectionCompletesThenTheBytesAreQueuedAndArrive() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
				ReactorThread loop = new ReactorThread("send-before-connect")) {
			CompletableFuture<Long> pendingAfterSend = new CompletableFuture<>();
			loop.run(() -> {
				BufferedDispatcher client = new BufferedDispatcher(loop.reactor()) {

					@Override
					protected void handleConnect() {
					}

				};
				client.createSocket();
				client.connect(server.getLocalSocketAddress());
				client.send("hello before connect".getBytes(StandardCharsets.US_ASCII));
				pendingAfterSend.complete(client.pendingBytes());
				client.closeWhenDone();
			});
			try (Socket accepted = server.accept()) {
				accepted.setSoTimeout(10_000);
				assertThat(new String(accepted.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
					.isEqualTo("hello before connect");
			}
			assertThat(pendingAfterSend.get(5, TimeUnit.SECONDS)).as("queued, not written, before connect").isEqualTo(20);
		}
	}

	@Test
	void whenTheBudgetIsTightThenTheLargestQueueStopsReadingAndResumesOnceItDrains() throws Exception {
		byte[] big = Bytes.random(new Random(3), 2 * 1024 * 1024);
		try (ReactorThread loop = new ReactorThread("budget")) {
			MemoryBudget budget = loop.reactor().memoryBudget();
			budget.setMax(512 * 1024);
			InetSocketAddress address = loop.call(() -> (InetSocketAddress) new Dispatcher(loop.reactor()) {

				{
					createServerSocket();
					bind(new InetSocketAddress("127.0.0.1", 0));
					listen(8);
				}

				@Override
				protected void handleAccepted(SocketChannel channel, SocketAddress remote) throws IOException {
					channel.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
					new EchoHandler(this.reactor, channel);
				}

			}.localAddress());
			try (Socket hog = new Socket()) {
				hog.setReceiveBufferSize(16 * 1024);
				hog.connect(address, 10_000);
				hog.setSoTimeout(30_000);
				Thread writer = new Thread(() -> {
					try {
						hog.getOutputStream().write(big);
					}
					catch (IOException ex) {
						// the assertions below tell what went wrong
					}
				}, "hog-writer");
				writer.start();
				// the hog does not read: its echo fills the budget and it is paused
				await().atMost(Duration.ofSeconds(20)).until(budget::isTight);
				long heldByHog = budget.used();

				try (Socket small = new Socket()) {
					small.connect(address, 10_000);
					small.setSoTimeout(10_000);
					small.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
					assertThat(new String(small.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
						.as("a small client is served while the hog is paused").isEqualTo("ping");
				}
				assertThat(budget.used()).as("the hog read nothing more while paused").isLessThanOrEqualTo(budget.max());

				// now the hog reads: its queue drains, the budget relaxes, and the hog is read again to the end
				byte[] echoed = readFully(hog.getInputStream(), big.length);
				writer.join(10_000);
				assertThat(echoed).isEqualTo(big);
				assertThat(heldByHog).isGreaterThanOrEqualTo(budget.max() * 3 / 4);
				assertThat(budget.peak()).isLessThanOrEqualTo(budget.max());
				assertThat(budget.evictions()).isZero();
			}
		}
	}

	@Test
	void whenAPeerThatNeitherReadsNorSendsHoldsOverItsShareThenItIsEvictedAfterTheTimeoutAndOthersAreServed()
			throws Exception {
		byte[] idleShare = Bytes.random(new Random(5), 5 * 1024 * 1024);
		byte[] pusherShare = Bytes.random(new Random(6), 1536 * 1024);
		Duration timeout = Duration.ofMillis(400);
		try (ReactorThread loop = new ReactorThread("budget-idle")) {
			MemoryBudget budget = loop.reactor().memoryBudget();
			budget.setMax(8 * 1024 * 1024);
			budget.setEvictionTimeout(timeout);
			InetSocketAddress address = loop.call(() -> (InetSocketAddress) new Dispatcher(loop.reactor()) {

				{
					createServerSocket();
					bind(new InetSocketAddress("127.0.0.1", 0));
					listen(8);
				}

				private int accepted;

				@Override
				protected void handleAccepted(SocketChannel channel, SocketAddress remote) throws IOException {
					channel.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
					EchoHandler handler = new EchoHandler(this.reactor, channel);
					// output of the server's own accord: neither peer sends, so no event ever pauses them
					switch (this.accepted++) {
						case 0 -> handler.send(idleShare);
						case 1 -> handler.send(pusherShare);
						default -> {
						}
					}
				}

			}.localAddress());
			try (Socket idle = new Socket(); Socket pusher = new Socket()) {
				idle.setReceiveBufferSize(16 * 1024);
				idle.connect(address, 10_000);
				await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() > 4 * 1024 * 1024);
				assertThat(budget.isTight()).as("5 MiB of 8: not yet tight").isFalse();

				pusher.setReceiveBufferSize(16 * 1024);
				pusher.connect(address, 10_000);
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(budget::isTight);
				long tightAt = System.nanoTime();

				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> budget.evictions() == 1);
				assertThat(Duration.ofNanos(System.nanoTime() - tightAt)).as("not evicted before its timeout")
					.isGreaterThanOrEqualTo(timeout.dividedBy(2));
				idle.setSoTimeout(10_000);
				assertThat(drainToEnd(idle.getInputStream())).as("the idle peer, holding the most, was closed")
					.isLessThan(idleShare.length);
				await().atMost(Duration.ofSeconds(10)).until(() -> !budget.isTight());

				try (Socket other = new Socket()) {
					other.connect(address, 10_000);
					other.setSoTimeout(10_000);
					other.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
					assertThat(new String(other.getInputStream().readNBytes(10), StandardCharsets.US_ASCII))
						.isEqualTo("still here");
				}
				pusher.setSoTimeout(10_000);
				assertThat(pusher.getInputStream().readNBytes(pusherShare.length))
					.as("the connection under its share keeps all its output").isEqualTo(pusherShare);
				assertThat(budget.evictions()).isEqualTo(1);
			}
		}
	}

	private static long drainToEnd(InputStream in) {
		long total = 0;
		byte[] buffer = new byte[64 * 1024];
		try {
			for (int n; (n = in.read(buffer)) >= 0;) {
				total += n;
			}
		}
		catch (IOException ex) {
			// a reset after the close is an end too
		}
		return total;
	}

	private static byte[] readFully(InputStream in, int length) throws IOException {
		return in.readNBytes(length);
	}

}
