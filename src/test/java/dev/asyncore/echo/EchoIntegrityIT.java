package dev.asyncore.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 50 concurrent clients, written with blocking JDK sockets (not our code), each send 1 MiB of random
 * bytes in random-size writes, half-close, and must get back exactly their bytes.
 */
@Timeout(120)
class EchoIntegrityIT {

	private static final int CLIENTS = 50;

	private static final int MESSAGE = 1024 * 1024;

	@Test
	void whenFiftyClientsEachEchoOneMebibyteThenEachGetsExactlyItsBytesAndOnlyTheListenerRemains() throws Exception {
		ExecutorService pool = Executors.newCachedThreadPool();
		try (ReactorThread loop = new ReactorThread("echo-integrity")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), new InetSocketAddress("127.0.0.1", 0)));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			List<CompletableFuture<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				long seed = i;
				results.add(CompletableFuture.supplyAsync(() -> exchange(address, seed, pool), pool));
			}
			for (CompletableFuture<Boolean> result : results) {
				assertThat(result.get(90, TimeUnit.SECONDS)).isTrue();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.reactor().size() == 1);
			ListenerStats stats = server.stats();
			assertThat(stats.get(ListenerStats.Counter.BYTES_RECEIVED)).isEqualTo((long) CLIENTS * MESSAGE);
			assertThat(stats.get(ListenerStats.Counter.BYTES_SENT)).isEqualTo((long) CLIENTS * MESSAGE);
			assertThat(stats.get(ListenerStats.Counter.ACCEPTS)).isEqualTo(CLIENTS);
			assertThat(stats.get(ListenerStats.Counter.ERRORS)).isZero();
			assertThat(stats.activeConnections()).isZero();
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static boolean exchange(InetSocketAddress address, long seed, ExecutorService pool) {
		Random random = new Random(seed);
		byte[] message = Bytes.random(random, MESSAGE);
		try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
			CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> readAll(socket), pool);
			OutputStream out = socket.getOutputStream();
			int offset = 0;
			while (offset < message.length) {
				int length = Math.min(message.length - offset, 1 + random.nextInt(64 * 1024));
				out.write(message, offset, length);
				offset += length;
			}
			socket.shutdownOutput();
			return echoed.get(60, TimeUnit.SECONDS).equals(Bytes.sha256(message));
		}
		catch (Exception ex) {
			throw new IllegalStateException("client " + seed + " failed", ex);
		}
	}

	private static String readAll(Socket socket) {
		try {
			InputStream in = socket.getInputStream();
			MessageDigest sha = Bytes.sha256();
			byte[] buffer = new byte[32 * 1024];
			int n;
			while ((n = in.read(buffer)) > 0) {
				sha.update(buffer, 0, n);
			}
			return HexFormat.of().formatHex(sha.digest());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
