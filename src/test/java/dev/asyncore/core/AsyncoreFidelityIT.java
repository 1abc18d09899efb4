package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.ReactorThread;

/**
 * asyncore behaviour CPython's test_asyncore checks, tried as a Python user would: sends before the
 * connect completes or on a socket that never connected, set_reuse_addr, AF_UNIX listeners, accepts per event, the accept pause, the
 * connection set-up guard, recv's return values, loop() and interrupts, toString().
 */
@Timeout(60)
class AsyncoreFidelityIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

	@Test
	void whenABufferedDispatcherSendsBeforeItsConnectCompletesThenTheBytesAreQueuedAndArrive() throws Exception {
		try (ServerSocket peer = new ServerSocket(0, 5, ANY_PORT.getAddress());
				ReactorThread loop = new ReactorThread("send-before-connect")) {
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			int taken = loop.call(() -> {
				BufferedDispatcher client = new BufferedDispatcher(loop.reactor()) {
					@Override
					protected void handleError(Throwable error) {
						errors.add(error);
						super.handleError(error);
					}
				};
				client.createSocket();
				client.connect(peer.getLocalSocketAddress());
				boolean stillConnecting = client.isConnecting();
				int n = client.send(ByteBuffer.wrap(HELLO)); // CPython's test_send does exactly this
				assertThat(stillConnecting).isTrue();
				return n;
			});
			assertThat(taken).isEqualTo(HELLO.length);
			try (Socket accepted = peer.accept()) {
				accepted.setSoTimeout(10_000);
				assertThat(accepted.getInputStream().readNBytes(HELLO.length)).isEqualTo(HELLO);
			}
			assertThat(errors).isEmpty();
		}
	}

	/** Records handleClose and handleError, then does what the defaults do. */
	private static final class HookRecorder extends BufferedDispatcher {

		final List<String> hooks = new ArrayList<>();

		HookRecorder(Reactor reactor) {
			super(reactor);
		}

		@Override
		protected void handleClose() {
			this.hooks.add("close");
			super.handleClose();
		}

		@Override
		protected void handleError(Throwable error) {
			this.hooks.add("error");
			super.handleError(error);
		}

	}

	@Test
	void whenABufferedDispatcherSendsOnASocketThatNeverConnectedThenItClosesAsAsyncoreDoesAndLoopReturns() throws Exception {
		try (Reactor reactor = new Reactor("send-never-connected")) {
			HookRecorder client = new HookRecorder(reactor);
			client.createSocket();
			// CPython: dispatcher_with_send.send -> socket.send -> ENOTCONN, a disconnect -> handle_close
			int taken = client.send(ByteBuffer.wrap(HELLO));
			reactor.loop(Duration.ofMillis(10), 100); // returns at once once the map is empty
			assertThat(taken).isZero();
			assertThat(client.hooks).containsExactly("close");
			assertThat(client.isClosed()).isTrue();
			assertThat(reactor.size()).isZero();
		}
	}

	@Test
	void whenAConnectIsRefusedWithBytesQueuedThenTheDispatcherClosesAndLoopReturns() throws Exception {
		InetSocketAddress closedPort;
		try (ServerSocketChannel probe = ServerSocketChannel.open()) {
			probe.bind(ANY_PORT);
			closedPort = (InetSocketAddress) probe.getLocalAddress();
		}
		try (Reactor reactor = new Reactor("refused-with-queue")) {
			HookRecorder client = new HookRecorder(reactor);
			client.createSocket();
			client.connect(closedPort);
			assertThat(client.send(ByteBuffer.wrap(HELLO))).isEqualTo(HELLO.length); // queued while connecting
			reactor.loop(Duration.ofMillis(10), 300);
			assertThat(client.hooks).containsExactly("error", "close");
			assertThat(client.isClosed()).isTrue();
			assertThat(reactor.size()).isZero();
		}
	}

	@Test
	void whenAConnectionFailsToBeSetUpThenItIsClosedAndTheListenerAcceptsTheNextAtOnce() throws Exception {
		try (ReactorThread loop = new ReactorThread("setup-guard")) {
			ListenerStats stats = new ListenerStats("guarded");
			AtomicInteger created = new AtomicInteger();
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(), ANY_PORT,
					ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> {
						switch (created.incrementAndGet()) {
							case 1 -> throw new IOException("Connection reset by peer"); // gone before set-up
							case 2 -> throw new IllegalStateException("factory bug");
							default -> {
								return new BufferedDispatcher(reactor, channel) {
									@Override
									protected void handleRead() {
										ByteBuffer buffer = ByteBuffer.allocate(64);
										if (recv(buffer) > 0) {
											send(buffer.flip());
										}
									}
								};
							}
						}
					}));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int i = 0; i < 2; i++) {
				try (Socket failed = connect(port)) {
					assertThat(failed.getInputStream().read()).as("a connection that failed set-up is closed").isEqualTo(-1);
				}
			}
			assertThat(loop.call(server::interestString)).as("the listener did not pause").isEqualTo("A");
			try (Socket served = connect(port)) {
				served.getOutputStream().write(HELLO);
				assertThat(served.getInputStream().readNBytes(HELLO.length)).isEqualTo(HELLO);
			}
			assertThat(stats.get(Counter.ERRORS)).isEqualTo(1);
			assertThat(stats.get(Counter.ACCEPTS)).isEqualTo(3);
			assertThat(loop.failure()).isNull();
		}
	}

	@Test
	void whenAnAcceptFailsThenAcceptingPausesForASecondAndResumes() throws Exception {
		try (ReactorThread loop = new ReactorThread("accept-pause")) {
			ListenerStats stats = new ListenerStats("pausing");
			AtomicInteger failures = new AtomicInteger(1);
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(), ANY_PORT,
					ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> new Dispatcher(reactor, channel)) {
				@Override
				protected void handleAccept() throws IOException {
					if (failures.getAndDecrement() > 0) {
						throw new IOException("Too many open files");
					}
					super.handleAccept();
				}
			});
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			long start = System.nanoTime();
			try (Socket client = connect(port)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(server::interestString).equals("-"));
				await().atMost(Duration.ofSeconds(5)).until(() -> stats.get(Counter.ACCEPTS) == 1);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(990));
				assertThat(loop.call(server::interestString)).isEqualTo("A");
				assertThat(server.isClosed()).isFalse();
			}
		}
	}

	@Test
	void whenSixteenAcceptsPerEventAreTakenThenTheRestWaitsForTheNextPass() throws Exception {
		Reactor reactor = new Reactor("accept-burst");
		List<Socket> clients = new ArrayList<>();
		try {
			List<SocketChannel> accepted = new ArrayList<>();
			Dispatcher listener = new Dispatcher(reactor) {
				@Override
				protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
					accepted.add(channel);
				}
			};
			listener.createServerSocket();
			listener.bind(ANY_PORT);
			listener.listen(64);
			int port = ((InetSocketAddress) listener.localAddress()).getPort();
			for (int i = 0; i < 20; i++) {
				clients.add(connect(port)); // completed by the kernel's backlog, not yet accepted
			}
			reactor.loop(Duration.ofSeconds(5), 1);
			assertThat(accepted).hasSize(Dispatcher.MAX_ACCEPTS_PER_EVENT);
			reactor.loop(Duration.ofSeconds(5), 1);
			assertThat(accepted).hasSize(20);
			accepted.forEach(Dispatcher::closeQuietly);
		}
		finally {
			for (Socket client : clients) {
				client.close();
			}
			reactor.close();
		}
	}

	@Test
	void whenSetReuseAddrIsCalledThenTheSocketHasSoReuseAddr() throws Exception {
		try (Reactor reactor = new Reactor("reuse")) {
			Dispatcher d = new Dispatcher(reactor);
			d.createServerSocket();
			d.setReuseAddr();
			assertThat(((NetworkChannel) d.channel()).getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
		}
	}

	/**
	 * The JDK opens a server socket with {@code SO_REUSEADDR} already set, so the test above passes
	 * whether or not {@code setReuseAddr()} does anything; a client TCP socket and a UDP socket start
	 * without it.
	 */
	@Test
	void whenSetReuseAddrIsCalledOnSocketsThatStartWithoutItThenTheyHaveSoReuseAddr() throws Exception {
		try (Reactor reactor = new Reactor("reuse-off-by-default")) {
			Dispatcher tcp = new Dispatcher(reactor);
			tcp.createSocket();
			Dispatcher udp = new Dispatcher(reactor);
			udp.createDatagramSocket();
			for (Dispatcher d : List.of(tcp, udp)) {
				NetworkChannel channel = (NetworkChannel) d.channel();
				assertThat(channel.getOption(StandardSocketOptions.SO_REUSEADDR)).as("%s before", d).isFalse();
				d.setReuseAddr();
				assertThat(channel.getOption(StandardSocketOptions.SO_REUSEADDR)).as("%s after", d).isTrue();
			}
		}
	}

	@Test
	void whenTheListenerIsUnixDomainThenSetReuseAddrIsHarmlessAndItEchoes(@TempDir Path dir) throws Exception {
		Path path = dir.resolve("echo.sock");
		try (ReactorThread loop = new ReactorThread("unix-echo")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), UnixDomainSocketAddress.of(path)));
			assertThat(loop.call(server::isAccepting)).isTrue();
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(path));
				client.write(ByteBuffer.wrap(HELLO));
				ByteBuffer echo = ByteBuffer.allocate(HELLO.length);
				while (echo.hasRemaining() && client.read(echo) >= 0) {
					// blocking reads until the echo is complete
				}
				assertThat(echo.array()).isEqualTo(HELLO);
			}
			loop.run(server::close);
			assertThat(Files.exists(path)).as("the socket file is removed on close").isFalse();
		}
	}

	@Test
	void whenNothingIsWaitingThenRecvReturnsZeroAndAtEndOfStreamMinusOneAfterHandleClose() throws Exception {
		try (ServerSocket peer = new ServerSocket(0, 5, ANY_PORT.getAddress()); Reactor reactor = new Reactor("recv")) {
			SocketChannel channel = SocketChannel.open(peer.getLocalSocketAddress());
			List<String> hooks = new ArrayList<>();
			Dispatcher d = new Dispatcher(reactor, channel) {
				@Override
				protected void handleClose() throws IOException {
					hooks.add("close");
					super.handleClose();
				}
			};
			try (Socket accepted = peer.accept()) {
				assertThat(d.recv(ByteBuffer.allocate(16))).isZero();
				assertThat(hooks).isEmpty();
				accepted.shutdownOutput();
				int n;
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while ((n = d.recv(ByteBuffer.allocate(16))) == 0 && System.nanoTime() < deadline) {
					Thread.onSpinWait(); // non-blocking socket: the FIN arrives asynchronously
				}
				assertThat(n).isEqualTo(-1);
				assertThat(hooks).containsExactly("close");
				assertThat(d.isClosed()).isTrue();
			}
		}
	}

	@Test
	void whenTheLoopThreadIsInterruptedThenLoopReturns() throws Exception {
		Reactor reactor = new Reactor("interrupted");
		Dispatcher listener = new Dispatcher(reactor);
		listener.createServerSocket();
		listener.bind(ANY_PORT);
		listener.listen(5);
		CountDownLatch returned = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			reactor.loop();
			returned.countDown();
		});
		thread.start();
		await().atMost(Duration.ofSeconds(5)).until(reactor::isLooping);
		thread.interrupt();
		assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(reactor.isLooping()).isFalse();
		assertThat(reactor.size()).isEqualTo(1);
		reactor.close();
	}

	@Test
	void whenReadableThrowsExitNowThenLoopLeavesWithTheDispatcherInTheMap() throws Exception {
		try (ServerSocket peer = new ServerSocket(0, 5, ANY_PORT.getAddress()); Reactor reactor = new Reactor("exit-interest")) {
			Dispatcher d = new Dispatcher(reactor, SocketChannel.open(peer.getLocalSocketAddress())) {
				@Override
				public boolean readable() {
					throw new ExitNow("from readable");
				}
			};
			assertThatExceptionOfType(ExitNow.class).isThrownBy(reactor::loop).withMessage("from readable");
			assertThat(d.isClosed()).isFalse();
			assertThat(reactor.size()).isEqualTo(1);
		}
	}

	@Test
	void whenATimerOrATaskThrowsExitNowThenLoopLeaves() throws Exception {
		try (Reactor reactor = new Reactor("exit-task")) {
			Dispatcher listener = new Dispatcher(reactor);
			listener.createServerSocket();
			listener.bind(ANY_PORT);
			listener.listen(5);
			reactor.schedule(Duration.ofMillis(1), () -> {
				throw new ExitNow("timer");
			});
			assertThatExceptionOfType(ExitNow.class).isThrownBy(reactor::loop).withMessage("timer");
			reactor.execute(() -> {
				throw new ExitNow("task");
			});
			assertThatExceptionOfType(ExitNow.class).isThrownBy(reactor::loop).withMessage("task");
		}
	}

	@Test
	void toStringShowsStateAddressesInterestAndBytes() throws Exception {
		try (ServerSocket peer = new ServerSocket(0, 5, ANY_PORT.getAddress()); Reactor reactor = new Reactor("to-string")) {
			Dispatcher listener = new Dispatcher(reactor);
			listener.createServerSocket();
			listener.bind(ANY_PORT);
			listener.listen(5);
			Dispatcher client = new Dispatcher(reactor, SocketChannel.open(peer.getLocalSocketAddress()));
			reactor.loop(Duration.ZERO, 1); // activation: interest computed
			int port = ((InetSocketAddress) listener.localAddress()).getPort();
			assertThat(listener).hasToString("Dispatcher[accepting, /127.0.0.1:" + port + ", interest=A, in=0, out=0]");
			assertThat(client.toString()).matches("Dispatcher\\[connected, /127\\.0\\.0\\.1:\\d+ <-> /127\\.0\\.0\\.1:"
					+ peer.getLocalPort() + ", interest=R, in=0, out=0]");
			client.send(ByteBuffer.wrap(HELLO));
			assertThat(client.toString()).endsWith("in=0, out=5]");
			client.close();
			assertThat(client.toString()).startsWith("Dispatcher[closed");
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

}
