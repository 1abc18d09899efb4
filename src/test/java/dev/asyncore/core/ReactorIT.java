package dev.asyncore.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.echo.EchoClient;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The loop's guarantees from CPython's test_asyncore, and ours: isolation, cost, threads, timers. */
@Timeout(60)
class ReactorIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	@Test
	void whenCloseAllThenEveryChannelIsClosedAndTheMapIsEmpty() throws Exception {
		Reactor reactor = new Reactor();
		EchoServer server = new EchoServer(reactor, ANY_PORT);
		CountDownLatch connected = new CountDownLatch(5);
		for (int i = 0; i < 5; i++) {
			new Dispatcher(reactor) {

				{
					createSocket();
					connect(server.localAddress());
				}

				@Override
				protected void handleConnect() {
					connected.countDown();
				}

			};
		}
		while (connected.getCount() > 0 || reactor.size() < 11) {
			reactor.loop(Duration.ofMillis(50), 1);
		}
		List<Dispatcher> before = reactor.dispatchers();
		assertThat(before).hasSize(11); // listener, 5 clients, 5 handlers
		reactor.closeAll();
		assertThat(reactor.size()).isZero();
		assertThat(reactor.dispatchers()).isEmpty();
		assertThat(before).allSatisfy(d -> {
			assertThat(d.isClosed()).isTrue();
			assertThat(d.channel().isOpen()).isFalse();
		});
		reactor.close();
	}

	@Test
	void whenOneHookThrowsThenItsHandleErrorRunsAndTheLoopKeepsServingOthers() throws Exception {
		try (ReactorThread loop = new ReactorThread("isolation")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			CompletableFuture<Throwable> handled = new CompletableFuture<>();
			loop.run(() -> new Dispatcher(loop.reactor()) {

				{
					createSocket();
					connect(server.localAddress());
				}

				@Override
				protected void handleConnect() {
					throw new IllegalStateException("boom in handleConnect");
				}

				@Override
				protected void handleError(Throwable error) {
					handled.complete(error);
					super.handleError(error);
				}

			});
			assertThat(handled.get(10, TimeUnit.SECONDS)).hasMessage("boom in handleConnect");
			byte[] message = "still serving".getBytes(StandardCharsets.UTF_8);
			EchoClient client = loop.call(() -> new EchoClient(loop.reactor(), server.localAddress(), message));
			assertThat(client.result().get(10, TimeUnit.SECONDS)).isEqualTo(message);
			assertThat(loop.failure()).isNull();
		}
	}

	@Test
	void whenClientResetsRightAfterConnectingThenTheLoopKeepsServing() throws Exception {
		try (ReactorThread loop = new ReactorThread("reset")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			for (int i = 0; i < 20; i++) {
				try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
					socket.setSoLinger(true, 0); // close sends RST
				}
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.stats().get(ListenerStats.Counter.CLOSES) == 20);
			byte[] message = "after resets".getBytes(StandardCharsets.UTF_8);
			EchoClient client = loop.call(() -> new EchoClient(loop.reactor(), server.localAddress(), message));
			assertThat(client.result().get(10, TimeUnit.SECONDS)).isEqualTo(message);
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.reactor().size() == 1);
			assertThat(server.stats().get(ListenerStats.Counter.ERRORS)).isZero();
			assertThat(loop.failure()).isNull();
		}
	}

	@Test
	void whenPortIsTakenThenBindingFailsWithAClearException() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			Reactor reactor = new Reactor();
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
			assertThatExceptionOfType(BindException.class).isThrownBy(() -> new EchoServer(reactor, address))
				.withMessageContaining("Cannot bind")
				.withMessageContaining(String.valueOf(taken.getLocalPort()));
			assertThat(reactor.size()).isZero();
			reactor.close();
		}
	}

	@Test
	void whenBufferedDispatcherSendsMoreThanTheSocketTakesThenThePeerGetsEveryByteInOrder() throws Exception {
		byte[] payload = Bytes.random(new Random(42), 8 * 1024 * 1024);
		try (ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
				ReactorThread loop = new ReactorThread("buffered")) {
			CountDownLatch allSent = new CountDownLatch(1);
			CompletableFuture<String> digest = CompletableFuture.supplyAsync(() -> {
				try (Socket socket = peer.accept(); InputStream in = socket.getInputStream()) {
					// read only once everything was handed to send(): the socket buffers cannot hold 8 MiB
					allSent.await(10, TimeUnit.SECONDS);
					MessageDigest sha = Bytes.sha256();
					byte[] buffer = new byte[65536];
					int n;
					while ((n = in.read(buffer)) > 0) {
						sha.update(buffer, 0, n);
					}
					return java.util.HexFormat.of().formatHex(sha.digest());
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			AtomicInteger maxPending = new AtomicInteger();
			loop.run(() -> new BufferedDispatcher(loop.reactor()) {

				{
					createSocket();
					connect(new InetSocketAddress("127.0.0.1", peer.getLocalPort()));
				}

				@Override
				protected void handleConnect() {
					Random random = new Random(7);
					int offset = 0;
					while (offset < payload.length) {
						int length = Math.min(payload.length - offset, 1 + random.nextInt(100_000));
						send(ByteBuffer.wrap(payload, offset, length));
						offset += length;
						maxPending.accumulateAndGet((int) pendingBytes(), Math::max);
					}
					closeWhenDone();
					allSent.countDown();
				}

			});
			assertThat(digest.get(30, TimeUnit.SECONDS)).isEqualTo(Bytes.sha256(payload));
			assertThat(maxPending.get()).as("the socket could not take it all: the queue was used").isPositive();
		}
	}

	@Test
	void whenLoopIsGivenACountThenItRunsExactlyThatManyPasses() throws IOException {
		Reactor reactor = new Reactor();
		new EchoServer(reactor, ANY_PORT);
		long before = reactor.iterations();
		reactor.loop(Duration.ofMillis(1), 7);
		assertThat(reactor.iterations() - before).isEqualTo(7);
		reactor.close();
	}

	@Test
	void whenTheMapIsEmptyThenLoopReturnsAtOnce() {
		Reactor reactor = new Reactor();
		reactor.loop(Duration.ofSeconds(30), 100);
		reactor.loop();
		assertThat(reactor.iterations()).isZero();
		reactor.close();
	}

	@Test
	void whenTasksAreSubmittedFromAnotherThreadThenTheyRunOnTheLoopThreadInOrder() throws Exception {
		try (ReactorThread loop = new ReactorThread("tasks")) {
			List<String> seen = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(100);
			for (int i = 0; i < 100; i++) {
				int n = i;
				loop.reactor().execute(() -> {
					seen.add(n + "@" + Thread.currentThread().getName());
					done.countDown();
				});
			}
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(seen).hasSize(100).allMatch(s -> s.endsWith("@tasks"));
			assertThat(seen.get(0)).startsWith("0@");
			assertThat(seen.get(99)).startsWith("99@");
			assertThat(loop.reactor().submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS))
				.isEqualTo("tasks");
		}
	}

	@Test
	void whenAHookThrowsExitNowThenLoopReturnsWithTheDispatcherStillInTheMap() throws IOException {
		Reactor reactor = new Reactor();
		EchoServer server = new EchoServer(reactor, ANY_PORT);
		new Dispatcher(reactor) {

			{
				createSocket();
				connect(server.localAddress());
			}

			@Override
			protected void handleConnect() {
				throw new ExitNow("leave");
			}

		};
		assertThatExceptionOfType(ExitNow.class).isThrownBy(reactor::loop);
		assertThat(reactor.size()).isGreaterThanOrEqualTo(2);
		reactor.close();
	}

	@Test
	void whenAHookClosesTheDispatcherThenNoOtherHookRunsAfterwards() throws Exception {
		try (ReactorThread loop = new ReactorThread("no-hook-after-close")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			List<String> afterClose = new CopyOnWriteArrayList<>();
			CountDownLatch closed = new CountDownLatch(1);
			loop.run(() -> new Dispatcher(loop.reactor()) {

				{
					createSocket();
					connect(server.localAddress());
				}

				@Override
				protected void handleConnect() {
					send(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
				}

				@Override
				public boolean writable() {
					return true; // ready for write on every pass, together with the echo's read
				}

				@Override
				protected void handleRead() {
					record("read");
					close();
					closed.countDown();
				}

				@Override
				protected void handleWrite() {
					record("write");
				}

				@Override
				protected void handleClose() {
					record("close");
					close();
				}

				private void record(String hook) {
					if (isClosed()) {
						afterClose.add(hook);
					}
				}

			});
			assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
			loop.run(() -> {
			}); // one more pass
			assertThat(afterClose).isEmpty();
		}
	}

	@Test
	void whenTimersAreScheduledThenTheyFireInDeadlineOrderAndCancelledOnesNever() throws Exception {
		try (ReactorThread loop = new ReactorThread("timers")) {
			List<String> fired = new CopyOnWriteArrayList<>();
			CountDownLatch last = new CountDownLatch(1);
			loop.reactor().schedule(Duration.ofMillis(60), () -> fired.add("60"));
			loop.reactor().schedule(Duration.ofMillis(20), () -> fired.add("20"));
			TimerHandle cancelled = loop.reactor().schedule(Duration.ofMillis(40), () -> fired.add("40"));
			loop.reactor().schedule(Duration.ofMillis(100), () -> {
				fired.add("100@" + Thread.currentThread().getName());
				last.countDown();
			});
			assertThat(cancelled.cancel()).isTrue();
			assertThat(cancelled.cancel()).isFalse();
			assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(fired).containsExactly("20", "60", "100@timers");
		}
	}

	@Test
	void whenATimerIsCancelledThenWhatItsTaskHoldsCanBeCollectedBeforeItsDeadline() throws Exception {
		try (ReactorThread loop = new ReactorThread("timer-leak")) {
			java.lang.ref.WeakReference<Object> weak = scheduleHolding(loop, new byte[1024 * 1024]);
			assertThat(loop.call(() -> this.handle.cancel())).isTrue();
			// a cancelled entry waits in the heap until its deadline; it must not keep the task alive meanwhile
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				System.gc();
				return weak.get() == null;
			});
		}
	}

	private TimerHandle handle;

	/** Schedules an hour-long timer whose task holds {@code payload}; only a weak reference escapes. */
	private java.lang.ref.WeakReference<Object> scheduleHolding(ReactorThread loop, Object payload) throws Exception {
		this.handle = loop.call(() -> loop.reactor().schedule(Duration.ofHours(1), payload::hashCode));
		return new java.lang.ref.WeakReference<>(payload);
	}

	@Test
	void whenOneConnectionIsBusyThenIdleDispatchersAreNeverAskedForTheirInterest() throws Exception {
		try (ReactorThread loop = new ReactorThread("cost")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT));
			AtomicInteger idleQuestions = new AtomicInteger();
			CountDownLatch connected = new CountDownLatch(500);
			loop.run(() -> {
				for (int i = 0; i < 500; i++) {
					new Dispatcher(loop.reactor()) {

						{
							createSocket();
							connect(server.localAddress());
						}

						@Override
						protected void handleConnect() {
							connected.countDown();
						}

						@Override
						public boolean readable() {
							if (isConnected() && connected.getCount() == 0) {
								idleQuestions.incrementAndGet();
							}
							return true;
						}

					};
				}
			});
			assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
			loop.run(() -> {
			});
			idleQuestions.set(0);
			long passesBefore = loop.reactor().iterations();
			for (int i = 0; i < 50; i++) {
				byte[] message = ("round " + i).getBytes(StandardCharsets.UTF_8);
				EchoClient client = loop.call(() -> new EchoClient(loop.reactor(), server.localAddress(), message));
				assertThat(client.result().get(10, TimeUnit.SECONDS)).isEqualTo(message);
			}
			assertThat(loop.reactor().iterations() - passesBefore).isGreaterThan(50);
			assertThat(idleQuestions.get()).as("readable() calls on 500 idle dispatchers during 50 echoes").isZero();
		}
	}

	@Test
	void whenIdleTimeoutElapsesThenTheConnectionIsClosedAndCounted() throws Exception {
		try (ReactorThread loop = new ReactorThread("idle")) {
			ListenerStats stats = new ListenerStats("idle");
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT,
					new ServerDispatcher.Options(16, 0, Duration.ofMillis(300)), 1024, stats));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
				socket.getOutputStream().write(1);
				assertThat(socket.getInputStream().read()).isEqualTo(1);
				long start = System.nanoTime();
				assertThat(socket.getInputStream().read()).as("server closed the idle connection").isEqualTo(-1);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			}
			assertThat(stats.get(ListenerStats.Counter.TIMEOUTS)).isEqualTo(1);
		}
	}

	/**
	 * The idle clock starts at the activity, not at the start of the loop pass that saw it: that pass
	 * began before a select that waited, with nothing else to do, for as long as the peer was silent
	 * (stamped there, the echo below was closed about 400 ms after it instead of a second).
	 */
	@Test
	void whenAPeerSpeaksAfterASilenceThenTheIdleTimeoutCountsFromItsWordsNotFromTheSelectBefore() throws Exception {
		Duration idle = Duration.ofSeconds(1);
		try (ReactorThread loop = new ReactorThread("idle-stamp")) {
			ListenerStats stats = new ListenerStats("idle-stamp");
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT,
					new ServerDispatcher.Options(16, 0, idle), 1024, stats));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
				socket.setSoTimeout(10_000);
				socket.getOutputStream().write(1);
				assertThat(socket.getInputStream().read()).isEqualTo(1);
				// the input of this test: a silence shorter than the timeout, the loop blocked in select all along
				await().pollDelay(idle.multipliedBy(6).dividedBy(10)).atMost(idle).until(() -> true);
				long spoke = System.nanoTime();
				socket.getOutputStream().write(2);
				assertThat(socket.getInputStream().read()).isEqualTo(2);
				assertThat(socket.getInputStream().read()).as("server closed the idle connection").isEqualTo(-1);
				assertThat(Duration.ofNanos(System.nanoTime() - spoke)).as("closed after the peer spoke")
					.isGreaterThanOrEqualTo(idle)
					.isLessThan(Duration.ofSeconds(8));
			}
			assertThat(stats.get(ListenerStats.Counter.TIMEOUTS)).isEqualTo(1);
		}
	}

	@Test
	void whenMaxConnectionsIsReachedThenExtraConnectionsAreRejectedAndCounted() throws Exception {
		try (ReactorThread loop = new ReactorThread("max")) {
			ListenerStats stats = new ListenerStats("max");
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), ANY_PORT,
					new ServerDispatcher.Options(16, 2, Duration.ZERO), 1024, stats));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			try (Socket a = new Socket(address.getAddress(), address.getPort());
					Socket b = new Socket(address.getAddress(), address.getPort())) {
				await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 2);
				try (Socket c = new Socket(address.getAddress(), address.getPort())) {
					assertThat(c.getInputStream().read()).isEqualTo(-1);
				}
				assertThat(stats.get(ListenerStats.Counter.REJECTED)).isEqualTo(1);
				a.getOutputStream().write(9);
				assertThat(a.getInputStream().read()).isEqualTo(9);
			}
		}
	}


}
