package dev.asyncore.reliability;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ListenerStats.Counter;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 1 of issue 7: 200 concurrent echo clients (blocking JDK sockets, one thread each) send
 * messages of 1 B to 256 KiB in random write splits for 30 s; each message must come back exactly
 * (SHA-256), with no error anywhere; afterwards the map is back to the listener alone and the heap
 * after GC is where it started.
 */
@Timeout(180)
class EchoUnderLoadIT {

	static final int CLIENTS = 200;

	static final int MAX_MESSAGE = 256 * 1024;

	static final Duration LOAD = Duration.ofSeconds(30);

	static final Duration WARM_UP = Duration.ofSeconds(5);

	/**
	 * Heap used after GC may differ run to run by allocator and GC bookkeeping noise that has nothing
	 * to do with a leak (TLABs, class metadata of lazily loaded code, the test's own result lists).
	 * So the bound is 10% of the starting figure or 8 MiB, whichever is larger; a leak of even 1 KiB
	 * per exchange (hundreds of thousands of exchanges) would exceed it many times over.
	 */
	static final long HEAP_FLOOR = 8L * 1024 * 1024;

	@Test
	void whenTwoHundredClientsEchoRandomMessagesForThirtySecondsThenEveryByteComesBackAndNothingLeaks()
			throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
		try (ReactorThread loop = new ReactorThread("echo-load")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), new InetSocketAddress("127.0.0.1", 0)));
			InetSocketAddress address = (InetSocketAddress) server.localAddress();
			ListenerStats stats = server.stats();
			int baseline = loop.reactor().size();

			Totals warmUp = run(threads, address, WARM_UP, 1000);
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.reactor().size() == baseline);
			long heapBefore = heapAfterGc();
			long receivedBefore = stats.get(Counter.BYTES_RECEIVED);

			Totals load = run(threads, address, LOAD, 0);

			await().atMost(Duration.ofSeconds(10)).until(() -> loop.reactor().size() == baseline);
			long heapAfter = heapAfterGc();
			System.out.printf("echo load: %d clients, %d messages, %d bytes in %s (warm-up %d messages); "
					+ "heap after GC %d -> %d bytes%n", CLIENTS, load.messages, load.bytes, LOAD, warmUp.messages,
					heapBefore, heapAfter);

			assertThat(load.corrupt).as("messages that did not come back byte for byte").isZero();
			assertThat(load.messages).isGreaterThan(CLIENTS);
			assertThat(stats.get(Counter.BYTES_RECEIVED) - receivedBefore).isEqualTo(load.bytes);
			assertThat(stats.get(Counter.BYTES_SENT)).isEqualTo(stats.get(Counter.BYTES_RECEIVED));
			assertThat(stats.get(Counter.ERRORS)).isZero();
			assertThat(stats.get(Counter.ACCEPTS)).isEqualTo(2L * CLIENTS);
			assertThat(stats.activeConnections()).isZero();
			assertThat(loop.failure()).isNull();
			long tolerance = Math.max(heapBefore / 10, HEAP_FLOOR);
			assertThat(heapAfter).as("heap after GC, started at %d", heapBefore).isLessThanOrEqualTo(heapBefore + tolerance);
		}
		finally {
			threads.shutdownNow();
		}
	}

	/** Every client runs exchanges for {@code duration} on its own connection, then half-closes. */
	private static Totals run(ExecutorService threads, InetSocketAddress address, Duration duration, int seedBase)
			throws Exception {
		long deadline = System.nanoTime() + duration.toNanos();
		List<CompletableFuture<Totals>> clients = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			long seed = seedBase + i;
			clients.add(CompletableFuture.supplyAsync(() -> client(address, new Random(seed), deadline), threads));
		}
		Totals sum = new Totals();
		for (CompletableFuture<Totals> client : clients) {
			Totals one = client.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
			sum.messages += one.messages;
			sum.bytes += one.bytes;
			sum.corrupt += one.corrupt;
		}
		return sum;
	}

	private static Totals client(InetSocketAddress address, Random random, long deadline) {
		Totals totals = new Totals();
		try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			byte[] echoed = new byte[MAX_MESSAGE];
			while (System.nanoTime() < deadline) {
				// log-uniform sizes: as many 1-10 B messages as 100-256 KiB ones
				int size = (int) Math.min(MAX_MESSAGE, Math.round(Math.pow(2, random.nextDouble() * 18)));
				byte[] message = Bytes.random(random, size);
				// Up to 256 KiB is below the 1 MiB high-water mark, so writing it all before reading
				// cannot deadlock: the server keeps reading while its output to us waits.
				for (int offset = 0; offset < size;) {
					int split = Math.min(size - offset, 1 + random.nextInt(size));
					out.write(message, offset, split);
					offset += split;
				}
				in.readNBytes(echoed, 0, size);
				if (!MessageDigest.isEqual(Bytes.sha256().digest(message),
						digest(Arrays.copyOf(echoed, size)))) {
					totals.corrupt++;
				}
				totals.messages++;
				totals.bytes += size;
			}
			socket.shutdownOutput();
			if (in.read() != -1) {
				totals.corrupt++; // more came back than was sent
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("client failed", ex);
		}
		return totals;
	}

	private static byte[] digest(byte[] bytes) {
		return Bytes.sha256().digest(bytes);
	}

	/** Heap in use after several full collections (the JVM may treat one System.gc() as a hint). */
	static long heapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static final class Totals {

		long messages;

		long bytes;

		long corrupt;

	}

}
