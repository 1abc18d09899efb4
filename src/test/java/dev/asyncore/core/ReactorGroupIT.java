package dev.asyncore.core;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.EchoServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Several loops: one acceptor hands connections round-robin; stats are sharded and summed. */
@Timeout(60)
class ReactorGroupIT {

	@Test
	void whenTheGroupHasThreeLoopsThenConnectionsAreSpreadRoundRobinAndCountedOnce() throws Exception {
		ReactorGroup group = new ReactorGroup("group", 3, Duration.ofMillis(200));
		group.start();
		try {
			ListenerStats stats = new ListenerStats("echo");
			Reactor acceptor = group.acceptor();
			EchoServer server = acceptor.submit(() -> new EchoServer(acceptor, new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, EchoHandler.DEFAULT_HIGH_WATER_MARK, stats, group))
				.get(10, TimeUnit.SECONDS);
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			List<Socket> sockets = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				sockets.add(new Socket(address.getAddress(), address.getPort()));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 6);
			List<Integer> sizes = new ArrayList<>();
			List<String> threads = new ArrayList<>();
			for (Reactor reactor : group.reactors()) {
				sizes.add(reactor.submit(reactor::size).get(10, TimeUnit.SECONDS));
				threads.add(reactor.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
			}
			assertThat(sizes).containsExactly(3, 2, 2); // the listener plus two connections each
			assertThat(threads).containsExactly("group", "group-1", "group-2");
			for (Socket socket : sockets) {
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				out.write(new byte[] { 1, 2, 3 });
				assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
				socket.close();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 0);
			assertThat(stats.get(ListenerStats.Counter.BYTES_RECEIVED)).isEqualTo(18);
			assertThat(stats.get(ListenerStats.Counter.ACCEPTS)).isEqualTo(6);
			await().atMost(Duration.ofSeconds(10)).until(() -> stats.get(ListenerStats.Counter.CLOSES) == 6);
			assertThat(group.size()).isEqualTo(1);
			assertThat(group.isRunning()).isTrue();
		}
		finally {
			group.close();
		}
		assertThat(group.awaitTermination(Duration.ofSeconds(5))).isTrue();
		assertThat(group.failure()).isNull();
	}

	@Test
	void whenALoopThreadDiesOfAnErrorThenTheGroupReportsIt() throws Exception {
		ReactorGroup group = new ReactorGroup("dying", 2, Duration.ofMillis(100));
		group.start();
		group.reactors().get(1).execute(() -> {
			throw new StackOverflowError("simulated");
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> group.failure() != null);
		assertThat(group.failure()).isInstanceOf(StackOverflowError.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> !group.isRunning());
		group.close();
	}

	@Test
	void whenTheThreadCountIsBelowOneThenTheGroupIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ReactorGroup("none", 0, Duration.ofSeconds(1)))
			.withMessageContaining("at least one thread");
	}

}
