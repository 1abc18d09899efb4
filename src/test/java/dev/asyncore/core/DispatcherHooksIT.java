package dev.asyncore.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hooks of CPython's test_asyncore, on real loopback sockets: each fires when it should and the
 * connection attributes follow a whole exchange.
 */
@Timeout(30)
class DispatcherHooksIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	@Test
	void whenClientAndServerExchangeThenEveryHookFiresInOrderAndAttributesFollow() throws IOException {
		Reactor reactor = new Reactor();
		List<String> events = new ArrayList<>();
		List<RecordingHandler> handlers = new ArrayList<>();

		Dispatcher server = new Dispatcher(reactor) {

			@Override
			protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
				events.add("server:accepted");
				handlers.add(new RecordingHandler(reactor, channel, events));
				close(); // one client only, so that the map empties
			}

			@Override
			protected void handleAccept() throws IOException {
				events.add("server:accept");
				super.handleAccept();
			}

		};
		server.createServerSocket();
		server.bind(ANY_PORT);
		assertThat(server.isAccepting()).isFalse();
		server.listen(5);
		assertThat(server.isAccepting()).isTrue();
		assertThat(server.isConnected()).isFalse();

		RecordingClient client = new RecordingClient(reactor, server.localAddress(), events);
		assertThat(client.isConnecting()).isTrue();
		assertThat(client.isConnected()).isFalse();
		assertThat(reactor.size()).isEqualTo(2);

		reactor.loop();

		assertThat(reactor.size()).isZero();
		assertThat(events).containsSubsequence("server:accept", "server:accepted", "client:connect", "client:write",
				"handler:read", "handler:write", "client:read", "handler:close", "client:close");
		assertThat(client.attributesAtConnect).containsExactly(true, false, false);
		assertThat(client.isConnected()).isFalse();
		assertThat(client.isClosed()).isTrue();
		assertThat(server.isAccepting()).isFalse();
		assertThat(handlers).hasSize(1);
		assertThat(handlers.get(0).attributesAtFirstRead).containsExactly(true, false, false);
		assertThat(client.received.toString()).isEqualTo("HELLO");
		ListenerStats stats = server.stats();
		assertThat(stats.get(ListenerStats.Counter.ACCEPTS)).isEqualTo(1);
		reactor.close();
	}

	@Test
	void whenConnectFailsThenHandleErrorRunsThenHandleClose() throws IOException {
		InetSocketAddress closedPort;
		try (ServerSocketChannel probe = ServerSocketChannel.open()) {
			probe.bind(ANY_PORT);
			closedPort = (InetSocketAddress) probe.getLocalAddress();
		}
		Reactor reactor = new Reactor();
		List<String> events = new ArrayList<>();
		List<Throwable> errors = new ArrayList<>();
		Dispatcher client = new Dispatcher(reactor) {

			@Override
			protected void handleConnect() {
				events.add("connect");
			}

			@Override
			protected void handleError(Throwable error) {
				events.add("error");
				errors.add(error);
			}

			@Override
			protected void handleClose() {
				events.add("close");
				close();
			}

		};
		client.createSocket();
		client.connect(closedPort);
		reactor.loop();
		assertThat(events).containsExactly("error", "close");
		assertThat(errors.get(0)).isInstanceOf(ConnectException.class);
		assertThat(client.stats().get(ListenerStats.Counter.ERRORS)).isEqualTo(1);
		assertThat(client.isClosed()).isTrue();
		reactor.close();
	}

	/** Client: sends "hello", reads the reply, then closes on end of stream. */
	static final class RecordingClient extends Dispatcher {

		final List<String> events;

		final StringBuilder received = new StringBuilder();

		final ByteBuffer out = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));

		List<Boolean> attributesAtConnect;

		RecordingClient(Reactor reactor, SocketAddress server, List<String> events) throws IOException {
			super(reactor);
			this.events = events;
			createSocket();
			connect(server);
		}

		@Override
		protected void handleConnect() {
			this.events.add("client:connect");
			this.attributesAtConnect = List.of(isConnected(), isConnecting(), isAccepting());
		}

		@Override
		public boolean writable() {
			return this.out.hasRemaining();
		}

		@Override
		protected void handleWrite() {
			this.events.add("client:write");
			send(this.out);
		}

		@Override
		protected void handleRead() {
			ByteBuffer buffer = ByteBuffer.allocate(64);
			if (recv(buffer) > 0) {
				this.events.add("client:read");
				this.received.append(StandardCharsets.US_ASCII.decode(buffer.flip()));
				if (this.received.length() == 5) {
					shutdownOutput(); // the server closes on end of stream, ending the exchange
				}
			}
		}

		@Override
		protected void handleClose() {
			this.events.add("client:close");
			close();
		}

	}

	/** Server side: upper-cases what it reads; closes at end of stream once all is written. */
	static final class RecordingHandler extends BufferedDispatcher {

		final List<String> events;

		List<Boolean> attributesAtFirstRead;

		RecordingHandler(Reactor reactor, SocketChannel channel, List<String> events) {
			super(reactor, channel);
			this.events = events;
		}

		@Override
		protected void handleRead() {
			if (this.attributesAtFirstRead == null) {
				this.attributesAtFirstRead = List.of(isConnected(), isConnecting(), isAccepting());
			}
			ByteBuffer buffer = ByteBuffer.allocate(64);
			int n = recv(buffer);
			if (n > 0) {
				this.events.add("handler:read");
				String text = StandardCharsets.US_ASCII.decode(buffer.flip()).toString().toUpperCase();
				ByteBuffer reply = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
				// hold the reply back to see handleWrite run: queue through the buffer path
				this.held.add(reply);
				updateInterest();
			}
		}

		final List<ByteBuffer> held = new ArrayList<>();

		@Override
		public boolean writable() {
			return !this.held.isEmpty() || super.writable();
		}

		@Override
		protected void handleWrite() {
			this.events.add("handler:write");
			for (ByteBuffer reply : this.held) {
				send(reply);
			}
			this.held.clear();
			super.handleWrite();
		}

		@Override
		protected void handleClose() {
			this.events.add("handler:close");
			for (ByteBuffer reply : this.held) {
				send(reply);
			}
			this.held.clear();
			super.handleClose(); // flushes what is queued, then closes
		}

	}

}
