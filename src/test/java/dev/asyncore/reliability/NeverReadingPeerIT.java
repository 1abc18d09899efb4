package dev.asyncore.reliability;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 4 of issue 7: a peer sets out to write 1 GiB to the echo listener and never reads. The server
 * stops reading once the default 1 MiB high-water mark of output is queued, so TCP flow control
 * blocks the peer after a few MiB: it never needs 1 GiB of anyone's memory, nor minutes.
 */
@Timeout(60)
class NeverReadingPeerIT {

	private static final long GOAL = 1L << 30;

	/** Writability the peer waits for before it concludes that the server stopped reading. */
	private static final Duration BLOCKED = Duration.ofSeconds(2);

	@Test
	void whenPeerWritesAGibibyteAndNeverReadsThenTheServerRetainsAtMostTheMarkPlusOneRead() throws Exception {
		long mark = EchoHandler.DEFAULT_HIGH_WATER_MARK;
		try (ReactorThread loop = new ReactorThread("never-reads");
				SocketChannel peer = SocketChannel.open();
				Selector selector = Selector.open()) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), new InetSocketAddress("127.0.0.1", 0)));
			ListenerStats stats = server.stats();
			peer.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
			peer.connect(server.localAddress());
			peer.configureBlocking(false);
			SelectionKey key = peer.register(selector, SelectionKey.OP_WRITE);

			long written = 0;
			ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
			long maxPending = 0;
			while (written < GOAL) {
				int n = peer.write(chunk.clear());
				written += n;
				if (n == 0) {
					maxPending = Math.max(maxPending, loop.first(EchoHandler.class).pendingBytes());
					if (selector.select(BLOCKED.toMillis()) == 0) {
						break; // no room for 2 s: the server is not reading
					}
					selector.selectedKeys().clear();
				}
			}
			long writtenWhenBlocked = written;
			long receivedWhenBlocked = stats.get(Counter.BYTES_RECEIVED);
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
				.until(() -> stats.get(Counter.BYTES_RECEIVED) == receivedWhenBlocked);
			EchoHandler handler = loop.first(EchoHandler.class);
			maxPending = Math.max(maxPending, handler.pendingBytes());
			System.out.printf("never-reading peer: blocked after writing %d of %d bytes; server received %d, "
					+ "queued at most %d (mark %d)%n", writtenWhenBlocked, GOAL, receivedWhenBlocked, maxPending, mark);

			assertThat(writtenWhenBlocked).as("the peer is blocked by flow control long before 1 GiB")
				.isLessThan(64L * 1024 * 1024);
			assertThat(maxPending).isGreaterThanOrEqualTo(mark).isLessThanOrEqualTo(mark + Reactor.READ_BUFFER_SIZE);
			assertThat(loop.call(handler::interestString)).doesNotContain("R");
			key.cancel();
		}
	}

}
