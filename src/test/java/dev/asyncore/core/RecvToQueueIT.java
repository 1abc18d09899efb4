package dev.asyncore.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link BufferedDispatcher#recvToQueue()}: reads land in the output queue in order, including
 * while earlier output waits for the socket, and a hook that runs inside the read (handleClose at
 * end of stream) sees a whole queue it can append to.
 */
@Timeout(60)
class RecvToQueueIT {

	private static final byte[] TRAILER = "\r\nBYE\r\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	void whenOutputWaitsThenReadsGoOnIntoTheQueueAndEchoAndTrailerArriveInOrder() throws Exception {
		byte[] message = Bytes.random(new Random(11), 300_000);
		try (ReactorThread loop = new ReactorThread("recv-to-queue")) {
			ListenerStats stats = new ListenerStats("rtq");
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(),
					new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> new TrailerEcho(reactor, channel)));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket socket = new Socket()) {
				// A tiny receive window and no reading yet: the server's echo soon waits for the socket,
				// and the small pieces that follow are read into the room of the queue's last chunk.
				socket.setReceiveBufferSize(4 * 1024);
				socket.connect(address, 10_000);
				socket.setSoTimeout(20_000);
				OutputStream out = socket.getOutputStream();
				int bulk = message.length - 1000;
				for (int offset = 0; offset < bulk; offset += 1000) {
					out.write(message, offset, 1000);
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> stats.get(ListenerStats.Counter.BYTES_RECEIVED) == bulk);
				TrailerEcho handler = loop.first(TrailerEcho.class);
				assertThat(loop.call(handler::pendingBytes)).as("output waiting for the socket").isPositive();
				// the last 1000 bytes in ten pieces, each read before the next is sent (a loop slowed by
				// other work would otherwise read them with the bulk, in whole chunks)
				for (int offset = bulk; offset < message.length; offset += 100) {
					out.write(message, offset, 100);
					int sent = offset + 100;
					await().atMost(Duration.ofSeconds(20)).until(() -> stats.get(ListenerStats.Counter.BYTES_RECEIVED) == sent);
				}
				assertThat(loop.call(handler::pendingBytes)).as("output still waiting for the socket").isPositive();
				assertThat(handler.readsIntoRoom).as("reads that went into the room of a queued chunk").isPositive();

				socket.shutdownOutput();
				byte[] echoed = readToEnd(socket.getInputStream());
				ByteArrayOutputStream expected = new ByteArrayOutputStream();
				expected.write(message);
				expected.write(TRAILER);
				assertThat(echoed).hasSameSizeAs(expected.toByteArray());
				assertThat(echoed).isEqualTo(expected.toByteArray());
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.call(() -> loop.reactor().size()) == 1);
		}
	}

	private static byte[] readToEnd(InputStream in) throws IOException {
		return in.readAllBytes();
	}

	/** Echoes through the queue and, at end of stream, sends a trailer from inside the read. */
	static final class TrailerEcho extends BufferedDispatcher {

		volatile int readsIntoRoom;

		TrailerEcho(Reactor reactor, SocketChannel channel) throws IOException {
			super(reactor, channel);
			// a small send buffer: the echo waits for the socket after a few kilobytes, not megabytes
			channel.setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
		}

		@Override
		public boolean readable() {
			return !isClosingWhenDone() && pendingBytes() < 512 * 1024;
		}

		@Override
		protected void handleRead() {
			boolean waiting = pendingBytes() > 0;
			boolean room = waiting && queueTailHasRoom();
			int n = recvToQueue();
			if (n > 0 && room) {
				readsIntoRoom++;
			}
			if (!waiting && !isClosed()) {
				initiateSend();
			}
		}

		@Override
		protected void handleClose() {
			send(TRAILER);
			closeWhenDone();
		}

	}

}
