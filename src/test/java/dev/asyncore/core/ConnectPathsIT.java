package dev.asyncore.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two ways a connect completes: inside {@link Dispatcher#connect} (a local peer's handshake is
 * done by the time the call returns), then the selector never hears of a socket that closes in
 * {@code handleConnect}; or later, through the selector, when the peer's accept queue is full and
 * the kernel drops the SYN until it is retried.
 */
@Timeout(30)
class ConnectPathsIT {

	@Test
	void whenALocalConnectCompletesAtOnceThenASocketClosedInHandleConnectIsNeverRegisteredAndThePeerSeesEof()
			throws IOException {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress("127.0.0.1", 0));
			Reactor reactor = new Reactor();
			List<String> events = new ArrayList<>();
			Dispatcher client = new ClosesOnConnect(reactor, events);
			client.createSocket();
			client.connect(server.getLocalAddress());
			assertThat(client.isConnecting()).as("no hook inside the verb").isTrue();
			reactor.loop();

			assertThat(events).containsExactly("connect, registered=false");
			assertThat(client.stats().get(ListenerStats.Counter.CONNECTS)).isEqualTo(1);
			try (SocketChannel accepted = server.accept()) {
				assertThat(accepted.read(ByteBuffer.allocate(1))).as("closed at once, not on a later select").isEqualTo(-1);
			}
			reactor.close();
		}
	}

	@Test
	void whenBytesWereQueuedBeforeTheConnectCompletedThenTheyGoOutInTheConnectEventWithoutWaitingForWritability()
			throws IOException {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress("127.0.0.1", 0));
			Reactor reactor = new Reactor();
			List<String> events = new ArrayList<>();
			BufferedDispatcher client = new SendsOnConnect(reactor, events);
			client.createSocket();
			client.connect(server.getLocalAddress());
			client.send("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // queued: not connected yet
			client.closeWhenDone();
			reactor.loop();

			// asyncore's handle_write_event: handle_connect_event, then handle_write; the selector is never asked
			assertThat(events).containsExactly("connect, registered=false", "write, registered=false");
			try (SocketChannel accepted = server.accept()) {
				ByteBuffer received = ByteBuffer.allocate(16);
				while (accepted.read(received) >= 0) {
					// until the client's close
				}
				assertThat(new String(received.array(), 0, received.position(), java.nio.charset.StandardCharsets.US_ASCII))
					.isEqualTo("hello");
			}
			reactor.close();
		}
	}

	@Test
	void whenThePeersAcceptQueueIsFullThenTheConnectCompletesThroughTheSelectorOnceThereIsRoom() throws IOException {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
			List<SocketChannel> fillers = new ArrayList<>();
			Reactor reactor = new Reactor();
			List<String> events = new ArrayList<>();
			try {
				// Linux queues backlog + 1 connections, then drops SYNs until there is room
				for (int i = 0; i < 8; i++) {
					SocketChannel filler = SocketChannel.open();
					filler.configureBlocking(false);
					fillers.add(filler);
					if (!filler.connect(server.getLocalAddress()) && !filler.finishConnect()) {
						break;
					}
				}
				assertThat(fillers.get(fillers.size() - 1).isConnected()).as("the accept queue is full").isFalse();
				Dispatcher client = new ClosesOnConnect(reactor, events);
				client.createSocket();
				client.connect(server.getLocalAddress());
				assertThat(((SocketChannel) client.channel()).isConnected()).as("left pending").isFalse();
				int queued = fillers.size() - 1;
				for (int i = 0; i < queued; i++) {
					fillers.add(server.accept()); // room for the SYNs the kernel retries after ~1 s
				}
				reactor.loop();
				assertThat(events).containsExactly("connect, registered=true");
			}
			finally {
				for (SocketChannel filler : fillers) {
					filler.close();
				}
				reactor.close();
			}
		}
	}

	/** Notes whether the selector knows its channel at connect and at write. */
	private static final class SendsOnConnect extends BufferedDispatcher {

		private final List<String> events;

		SendsOnConnect(Reactor reactor, List<String> events) {
			super(reactor);
			this.events = events;
		}

		@Override
		protected void handleConnect() {
			this.events.add("connect, registered=" + registered());
		}

		@Override
		protected void handleWrite() {
			this.events.add("write, registered=" + registered());
			super.handleWrite();
		}

		private boolean registered() {
			return ((SocketChannel) channel()).keyFor(this.reactor.selector()) != null;
		}

	}

	/** Notes whether the selector knows its channel when the connection is established, then closes. */
	private static final class ClosesOnConnect extends Dispatcher {

		private final List<String> events;

		ClosesOnConnect(Reactor reactor, List<String> events) {
			super(reactor);
			this.events = events;
		}

		@Override
		protected void handleConnect() {
			SocketChannel socket = (SocketChannel) channel();
			this.events.add("connect, registered=" + (socket.keyFor(this.reactor.selector()) != null));
			close();
		}

	}

}
