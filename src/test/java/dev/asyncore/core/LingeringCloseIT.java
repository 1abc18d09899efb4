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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.LoopTicks;
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

			// A 10 ms tick on the loop while the peers flood their lingering connections for 2 s. The loop's CPU
			// between two ticks is at most a period plus its longest pass, on any machine: before the discard was
			// bounded per event, one pass read for 284 ms (wall clock, on an idle machine).
			LoopTicks ticks = LoopTicks.start(loop.reactor(), Duration.ofMillis(10), 200);
			assertThat(ticks.await(Duration.ofSeconds(30))).as("all ticks ran").isTrue();
			flooding.set(false);
			System.out.printf("lingering: %d flooding peers, a 10 ms timer: worst lateness %d ms, worst loop CPU between "
					+ "ticks %d ms%n", peers, ticks.worstLateness().toMillis(), ticks.worstCpuBetweenTicks().toMillis());
			assertThat(ticks.worstCpuBetweenTicks()).as("most loop CPU between two ticks of a 10 ms timer")
				.isLessThan(Duration.ofMillis(200));
			assertThat(ticks.worstLateness()).as("worst lateness of a 10 ms timer (wall clock: generous, as the machine may be busy)")
				.isLessThan(Duration.ofSeconds(5));
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
