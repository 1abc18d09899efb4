package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.support.ReactorThread;

/**
 * Stats travel explicitly: a listener hands its counters (its shard, on another reactor) to the
 * handler factory, and a dispatcher created anywhere else counts in its reactor's default stats.
 */
@Timeout(60)
class ExplicitStatsIT {

	private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

	@Test
	void whenTheListenerAcceptsThenItsFactoryIsHandedItsStatsAndTheHandlerCountsInThem() throws Exception {
		try (ReactorThread loop = new ReactorThread("explicit")) {
			ListenerStats stats = new ListenerStats("mine");
			List<ListenerStats> handed = new CopyOnWriteArrayList<>();
			List<Dispatcher> handlers = new CopyOnWriteArrayList<>();
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(), ANY_PORT,
					ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> {
						handed.add(counted);
						Dispatcher handler = new Dispatcher(reactor, channel); // does not pass them on
						handlers.add(handler);
						return handler;
					}));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			try (Socket client = new Socket("127.0.0.1", port)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 1);
				assertThat(handed).containsExactly(stats);
				assertThat(loop.call(() -> handlers.get(0).stats())).isSameAs(stats);
				assertThat(loop.reactor().defaultStats().activeConnections()).isZero();
			}
		}
	}

	@Test
	void whenADispatcherIsCreatedOutsideAListenerThenItCountsInTheReactorsDefaultStats() throws Exception {
		try (ServerSocket peer = new ServerSocket(0, 5, ANY_PORT.getAddress());
				ReactorThread loop = new ReactorThread("outside")) {
			ListenerStats stats = new ListenerStats("listener");
			loop.call(() -> new ServerDispatcher(loop.reactor(), ANY_PORT, ServerDispatcher.Options.DEFAULTS, stats,
					(reactor, channel, counted) -> new Dispatcher(reactor, channel)));
			Dispatcher outside = loop.call(() -> new Dispatcher(loop.reactor(), SocketChannel.open(peer.getLocalSocketAddress())));
			try (Socket accepted = peer.accept()) {
				assertThat(loop.call(outside::stats)).isSameAs(loop.reactor().defaultStats());
				assertThat(loop.reactor().defaultStats().activeConnections()).isEqualTo(1);
				assertThat(stats.activeConnections()).isZero();
			}
		}
	}

	@Test
	void whenConnectionsGoToOtherReactorsThenEachFactoryCallGetsThatReactorsShard() throws Exception {
		ReactorGroup group = new ReactorGroup("sharded", 2, Duration.ofMillis(200));
		group.start();
		try {
			ListenerStats stats = new ListenerStats("sharded");
			Map<Reactor, ListenerStats> handed = new ConcurrentHashMap<>();
			Reactor acceptor = group.acceptor();
			ServerDispatcher server = acceptor.submit(() -> new ServerDispatcher(acceptor, ANY_PORT,
					ServerDispatcher.Options.DEFAULTS, stats, (reactor, channel, counted) -> {
						handed.put(reactor, counted);
						Dispatcher handler = new Dispatcher(reactor, channel);
						handler.setStats(counted);
						return handler;
					}, group)).get(10, TimeUnit.SECONDS);
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> stats.activeConnections() == 2);
				assertThat(handed).hasSize(2);
				assertThat(handed.get(acceptor)).isSameAs(stats);
				ListenerStats shard = handed.get(group.reactors().get(1));
				assertThat(shard).isNotSameAs(stats);
				assertThat(shard.name()).isEqualTo("sharded");
				assertThat(shard.activeConnections()).isEqualTo(1);
				assertThat(stats.get(Counter.ACCEPTS)).isEqualTo(2);
			}
		}
		finally {
			group.close();
		}
	}

}
