package dev.asyncore.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The load generator used against both servers: one thread, plain JDK NIO (neither side's code),
 * verifying every byte that comes back. Its own CPU time is reported so that it can be seen not to
 * be the bottleneck.
 */
final class LoadClient {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private LoadClient() {
	}

	/** What one run measured. Latencies are sorted round-trip times in nanoseconds (ping-pong only). */
	record Result(long messages, long bytes, long wallNanos, long clientCpuNanos, long[] latencies) {

		long percentile(double p) {
			if (this.latencies.length == 0) {
				return 0;
			}
			int index = (int) Math.min(this.latencies.length - 1, Math.ceil(p / 100.0 * this.latencies.length) - 1);
			return this.latencies[Math.max(0, index)];
		}

	}

	/**
	 * Each of {@code connections} sends a {@code size}-byte message, waits for its echo, checks it and
	 * sends the next, until {@code maxMessages} round trips in all or {@code maxTime} passed. On one
	 * client thread: the latency figures.
	 */
	static Result pingPong(InetSocketAddress server, int connections, int size, int maxMessages, Duration maxTime)
			throws Exception {
		return pingPong(server, connections, 1, size, maxMessages, maxTime);
	}

	/** As above, the connections and messages spread over {@code threads} client threads. */
	static Result pingPong(InetSocketAddress server, int connections, int threads, int size, int maxMessages,
			Duration maxTime) throws Exception {
		return fanOut(threads, connections, (first, end, ready) -> pingPongOn(server, first, end, size,
				(int) ((long) maxMessages * (end - first) / connections), maxTime, ready));
	}

	/**
	 * Each of {@code connections} streams {@code bytesPerConnection} in {@code chunk}-byte writes,
	 * keeping at most 1 MiB unechoed, and reads the echo back, checking every byte. The connections
	 * are spread over {@code threads} client threads.
	 */
	static Result stream(InetSocketAddress server, int connections, int threads, int chunk, long bytesPerConnection,
			Duration maxTime) throws Exception {
		return fanOut(threads, connections,
				(first, end, ready) -> streamOn(server, first, end, chunk, bytesPerConnection, maxTime, ready));
	}

	/** One client thread's share of a load: connections {@code first} (inclusive) to {@code end}. */
	@FunctionalInterface
	private interface Part {

		Result run(int first, int end, CountDownLatch ready) throws Exception;

	}

	/**
	 * Runs {@code threads} parts of a load, each on its own thread with its own selector, all starting
	 * together once every part has connected. Messages, bytes and CPU time add up; wall time is the
	 * longest part's; latencies are merged.
	 */
	private static Result fanOut(int threads, int connections, Part part) throws Exception {
		if (threads == 1) {
			return part.run(0, connections, new CountDownLatch(1));
		}
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Result>> parts = new ArrayList<>();
			CountDownLatch ready = new CountDownLatch(threads);
			for (int t = 0; t < threads; t++) {
				int first = t * connections / threads;
				int end = (t + 1) * connections / threads;
				parts.add(pool.submit(() -> part.run(first, end, ready)));
			}
			long messages = 0;
			long bytes = 0;
			long wall = 0;
			long cpu = 0;
			long[] latencies = new long[0];
			for (Future<Result> future : parts) {
				Result r = future.get();
				messages += r.messages();
				bytes += r.bytes();
				wall = Math.max(wall, r.wallNanos());
				cpu += r.clientCpuNanos();
				long[] merged = Arrays.copyOf(latencies, latencies.length + r.latencies().length);
				System.arraycopy(r.latencies(), 0, merged, latencies.length, r.latencies().length);
				latencies = merged;
			}
			Arrays.sort(latencies);
			return new Result(messages, bytes, wall, cpu, latencies);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static Result pingPongOn(InetSocketAddress server, int first, int end, int size, int maxMessages,
			Duration maxTime, CountDownLatch ready) throws IOException, InterruptedException {
		try (Selector selector = Selector.open()) {
			List<PingPong> all = new ArrayList<>();
			for (int i = first; i < end; i++) {
				all.add(new PingPong(open(server), selector, size, i));
			}
			ready.countDown();
			ready.await();
			long cpuStart = THREADS.getCurrentThreadCpuTime();
			long[] latencies = new long[maxMessages];
			int done = 0;
			long start = System.nanoTime();
			long deadline = start + maxTime.toNanos();
			int inFlight = 0;
			for (PingPong p : all) {
				if (inFlight++ < maxMessages) {
					p.sendNext();
				}
			}
			while (done < maxMessages && System.nanoTime() < deadline) {
				selector.select(100);
				for (SelectionKey key : selector.selectedKeys()) {
					PingPong p = (PingPong) key.attachment();
					long rtt = p.read();
					if (rtt > 0) {
						latencies[done++] = rtt;
						if (inFlight < maxMessages) {
							inFlight++;
							p.sendNext();
						}
					}
				}
				selector.selectedKeys().clear();
			}
			long wall = System.nanoTime() - start;
			for (PingPong p : all) {
				p.channel.close();
			}
			long[] sorted = Arrays.copyOf(latencies, done);
			Arrays.sort(sorted);
			return new Result(done, (long) done * size * 2, wall, THREADS.getCurrentThreadCpuTime() - cpuStart, sorted);
		}
	}

	/** One client thread's share of {@link #stream}. */
	private static Result streamOn(InetSocketAddress server, int first, int end, int chunk, long bytesPerConnection,
			Duration maxTime, CountDownLatch ready) throws IOException, InterruptedException {
		try (Selector selector = Selector.open()) {
			List<Stream> all = new ArrayList<>();
			for (int i = first; i < end; i++) {
				all.add(new Stream(open(server), selector, chunk, bytesPerConnection, i));
			}
			ready.countDown();
			ready.await();
			long cpuStart = THREADS.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			long deadline = start + maxTime.toNanos();
			int finished = 0;
			for (Stream s : all) {
				s.updateInterest();
			}
			while (finished < all.size() && System.nanoTime() < deadline) {
				selector.select(100);
				for (SelectionKey key : selector.selectedKeys()) {
					Stream s = (Stream) key.attachment();
					if (key.isWritable()) {
						s.write();
					}
					if (key.isReadable() && s.read()) {
						finished++;
					}
					s.updateInterest();
				}
				selector.selectedKeys().clear();
			}
			long wall = System.nanoTime() - start;
			long received = 0;
			for (Stream s : all) {
				received += s.received;
				s.channel.close();
			}
			return new Result(0, received, wall, THREADS.getCurrentThreadCpuTime() - cpuStart, new long[0]);
		}
	}

	private static SocketChannel open(InetSocketAddress server) throws IOException {
		SocketChannel channel = SocketChannel.open(server);
		channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		channel.configureBlocking(false);
		return channel;
	}

	private static final class PingPong {

		final SocketChannel channel;

		final ByteBuffer out;

		final ByteBuffer in;

		final byte[] expected;

		long sentAt;

		long sequence;

		final SelectionKey key;

		PingPong(SocketChannel channel, Selector selector, int size, int id) throws IOException {
			this.channel = channel;
			this.expected = new byte[size];
			new Random(id).nextBytes(this.expected);
			this.out = ByteBuffer.allocate(size);
			this.in = ByteBuffer.allocate(size);
			this.key = channel.register(selector, SelectionKey.OP_READ, this);
		}

		void sendNext() throws IOException {
			this.sequence++;
			this.expected[0] = (byte) this.sequence; // every message differs from the one before
			this.out.clear();
			this.out.put(this.expected).flip();
			this.sentAt = System.nanoTime();
			while (this.out.hasRemaining()) {
				this.channel.write(this.out); // a small message always fits an idle send buffer
			}
		}

		/** Reads what is there; returns the round-trip time when a whole echo arrived, else 0. */
		long read() throws IOException {
			if (this.channel.read(this.in) < 0) {
				throw new IOException("server closed the connection");
			}
			if (this.in.hasRemaining()) {
				return 0;
			}
			long rtt = System.nanoTime() - this.sentAt;
			if (!Arrays.equals(this.in.array(), this.expected)) {
				throw new IllegalStateException("echo differs from the message sent");
			}
			this.in.clear();
			return Math.max(1, rtt);
		}

	}

	/**
	 * One streaming connection. Its buffers are direct, so the JDK copies nothing between the heap and
	 * the kernel, and checking uses {@link ByteBuffer#mismatch} (vectorised): the client stays cheaper
	 * than the server it loads.
	 */
	private static final class Stream {

		private static final long MAX_UNECHOED = 1024 * 1024;

		/** Reads take up to this much: fewer system calls per byte keep the client off the critical path. */
		private static final int READ_SIZE = Integer.getInteger("bench.readsize", 256 * 1024);

		final SocketChannel channel;

		/** Byte i of the stream is (i + id) & 0xff: any chunk is a slice of this buffer. */
		final ByteBuffer pattern;

		final ByteBuffer out;

		final ByteBuffer in;

		final int chunk;

		final long total;

		final SelectionKey key;

		long sent;

		long received;

		Stream(SocketChannel channel, Selector selector, int chunk, long total, int id) throws IOException {
			this.channel = channel;
			this.total = total;
			this.pattern = ByteBuffer.allocateDirect(Math.max(chunk, READ_SIZE) + 256);
			for (int i = 0; i < this.pattern.capacity(); i++) {
				this.pattern.put(i, (byte) (i + id));
			}
			this.out = this.pattern.duplicate().limit(0);
			this.chunk = chunk;
			this.in = ByteBuffer.allocateDirect(READ_SIZE);
			this.key = channel.register(selector, 0, this);
		}

		void write() throws IOException {
			if (!this.out.hasRemaining()) {
				int offset = (int) (this.sent & 0xff);
				int length = (int) Math.min(this.chunk, this.total - this.sent);
				this.out.limit(offset + length).position(offset);
			}
			this.sent += this.channel.write(this.out);
		}

		/** Reads and verifies; true once everything came back. */
		boolean read() throws IOException {
			int n;
			while ((n = this.channel.read(this.in.clear())) > 0) {
				int offset = (int) (this.received & 0xff);
				if (this.in.flip().mismatch(this.pattern.slice(offset, n)) >= 0) {
					throw new IllegalStateException("stream byte mismatch near offset " + this.received);
				}
				this.received += n;
			}
			if (n < 0) {
				throw new IOException("server closed the stream");
			}
			return this.received == this.total;
		}

		void updateInterest() {
			boolean more = this.sent < this.total && this.sent - this.received < MAX_UNECHOED;
			int ops = (this.received < this.total ? SelectionKey.OP_READ : 0) | (more ? SelectionKey.OP_WRITE : 0);
			if (this.key.isValid() && this.key.interestOps() != ops) {
				this.key.interestOps(ops);
			}
		}

	}

}
