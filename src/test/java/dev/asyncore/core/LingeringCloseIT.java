package dev.asyncore.core;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link Dispatcher#lingerClose}: discarding a peer's late input never starves the rest of the loop. */
@Timeout(60)
class LingeringCloseIT {

	@Test
	void whenLingeringPeersKeepSendingThenTimersStillRunOnTime() throws Exception {
		int peers = 20;
		List<Socket> sockets = new ArrayList<>();
		ExecutorService floods = Executors.newFixedThreadPool(peers);
		try (ReactorThread loop = new ReactorThread("linger")) {
			List<Dispatcher> accepted = new CopyOnWriteArrayList<>();
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(),
					new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.Options.DEFAULTS, new ListenerStats("linger"),
					(reactor, channel, counted) -> {
						Dispatcher handler = new Dispatcher(reactor, channel);
						accepted.add(handler);
						return handler;
					}));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int i = 0; i < peers; i++) {
				sockets.add(new Socket("127.0.0.1", port));
			}
			await().until(() -> accepted.size() == peers);
			loop.run(() -> accepted.forEach((d) -> d.lingerClose(Duration.ofSeconds(30))));
			AtomicBoolean flooding = new AtomicBoolean(true);
			sockets.forEach((peer) -> floods.execute(() -> flood(peer, flooding)));

			// A 10 ms tick on the loop while the peers flood their lingering connections for 2 s.
			AtomicLong worstLateness = new AtomicLong();
			AtomicLong done = new AtomicLong();
			int ticks = 200;
			long start = System.nanoTime();
			for (int i = 1; i <= ticks; i++) {
				long due = start + Duration.ofMillis(10L * i).toNanos();
				loop.reactor().schedule(Duration.ofNanos(due - System.nanoTime()), () -> {
					worstLateness.accumulateAndGet(System.nanoTime() - due, Math::max);
					done.incrementAndGet();
				});
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == ticks);
			flooding.set(false);
			System.out.printf("lingering: %d flooding peers, worst lateness of a 10 ms timer %d ms%n", peers,
					worstLateness.get() / 1_000_000);
			assertThat(Duration.ofNanos(worstLateness.get())).as("worst lateness of a 10 ms timer")
				.isLessThan(Duration.ofMillis(200));
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
			floods.shutdownNow();
		}
	}

	private static void flood(Socket peer, AtomicBoolean flooding) {
		byte[] chunk = new byte[64 * 1024];
		try {
			OutputStream out = peer.getOutputStream();
			while (flooding.get()) {
				out.write(chunk);
			}
		}
		catch (IOException ex) {
			// closed by the test
		}
	}

}
