package dev.asyncore.echo;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** EchoHandler's backpressure and half-close, EchoClient, and UDP echo. */
@Timeout(60)
class EchoHandlerIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	@Test
	void whenPeerSendsButNeverReadsThenPendingOutputStaysUnderTheHighWaterMark() throws Exception {
		int mark = 256 * 1024;
		try (ReactorThread loop = new ReactorThread("backpressure")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT, ServerDispatcher.Options.DEFAULTS,
					mark, new ListenerStats("bp")));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
				socket.setReceiveBufferSize(64 * 1024);
				OutputStream out = socket.getOutputStream();
				Thread writer = new Thread(() -> {
					byte[] chunk = new byte[64 * 1024];
					try {
						for (int i = 0; i < 1024; i++) { // up to 64 MiB; blocks long before that
							out.write(chunk);
						}
					}
					catch (Exception ex) {
						// the socket is closed at the end of the test
					}
				});
				writer.setDaemon(true);
				writer.start();
				// The server fills the peer's receive buffer, then its own queue up to the mark, then stops reading.
				await().atMost(Duration.ofSeconds(20)).until(() -> loop.first(EchoHandler.class).pendingBytes() >= mark);
				long received = server.stats().get(ListenerStats.Counter.BYTES_RECEIVED);
				await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
					.until(() -> server.stats().get(ListenerStats.Counter.BYTES_RECEIVED) == received);
				EchoHandler handler = loop.first(EchoHandler.class);
				assertThat(handler.pendingBytes()).isLessThanOrEqualTo(mark + Reactor.READ_BUFFER_SIZE);
				assertThat(loop.call(handler::interestString)).doesNotContain("R");
				assertThat(writer.isAlive()).as("the writer is blocked by TCP flow control").isTrue();
			}
		}
	}

	@Test
	void whenPeerHalfClosesThenEverythingReceivedIsEchoedBeforeTheServerCloses() throws Exception {
		byte[] message = Bytes.random(new Random(3), 4 * 1024 * 1024);
		try (ReactorThread loop = new ReactorThread("half-close")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
				// Write everything before reading: the server's queue fills and its reading pauses meanwhile.
				Thread writer = new Thread(() -> {
					try {
						socket.getOutputStream().write(message);
						socket.shutdownOutput();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				writer.start();
				InputStream in = socket.getInputStream();
				byte[] echoed = in.readAllBytes();
				writer.join(10_000);
				assertThat(echoed.length).isEqualTo(message.length);
				assertThat(Arrays.equals(echoed, message)).isTrue();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.reactor().size() == 1);
		}
	}

	@Test
	void whenEchoClientSendsInChunksThenItGetsItsMessageBack() throws Exception {
		byte[] message = Bytes.random(new Random(5), 100_000);
		try (ReactorThread loop = new ReactorThread("echo-client")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			EchoClient client = loop.call(() -> new EchoClient(loop.reactor(), server.localAddress(), message, 1000));
			assertThat(client.result().get(10, TimeUnit.SECONDS)).isEqualTo(message);
			ListenerStats clientStats = loop.call(client::stats);
			assertThat(clientStats.get(ListenerStats.Counter.CONNECTS)).isEqualTo(1);
			assertThat(clientStats.get(ListenerStats.Counter.BYTES_SENT)).isEqualTo(message.length);
		}
	}

	@Test
	void whenADatagramArrivesThenTheUdpEchoServerSendsItBack() throws Exception {
		try (ReactorThread loop = new ReactorThread("udp"); DatagramSocket socket = new DatagramSocket(0,
				java.net.InetAddress.getLoopbackAddress())) {
			ListenerStats stats = new ListenerStats("udp");
			Dispatcher server = loop.call(() -> new UdpEchoServer(loop.reactor(), ANY_PORT, stats));
			InetSocketAddress address = (InetSocketAddress) loop.call(server::localAddress);
			socket.setSoTimeout(10_000);
			for (int i = 0; i < 10; i++) {
				byte[] payload = ("datagram " + i).getBytes(StandardCharsets.UTF_8);
				socket.send(new DatagramPacket(payload, payload.length, address));
				DatagramPacket reply = new DatagramPacket(new byte[100], 100);
				socket.receive(reply);
				assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8))
					.isEqualTo("datagram " + i);
			}
			// The loop counts a datagram as sent just after the system call, which may be after its
			// reply has reached this thread: wait for the counter instead of racing it.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(stats.get(ListenerStats.Counter.BYTES_SENT)).isEqualTo(100));
			assertThat(stats.get(ListenerStats.Counter.BYTES_RECEIVED)).isEqualTo(100);
		}
	}

}
