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
	 * sends the next, until {@code maxMessages} round trips in all or {@code maxTime} passed.
	 */
	static Result pingPong(InetSocketAddress server, int connections, int size, int maxMessages, Duration maxTime)
			throws IOException {
		try (Selector selector = Selector.open()) {
			List<PingPong> all = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				all.add(new PingPong(open(server), selector, size, i));
			}
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

	/**
	 * Each of {@code connections} streams {@code bytesPerConnection} in {@code chunk}-byte writes,
	 * keeping at most 1 MiB unechoed, and reads the echo back, checking every byte.
	 */
	static Result stream(InetSocketAddress server, int connections, int chunk, long bytesPerConnection, Duration maxTime)
			throws IOException {
		try (Selector selector = Selector.open()) {
			List<Stream> all = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				all.add(new Stream(open(server), selector, chunk, bytesPerConnection, i));
			}
			long cpuStart = THREADS.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			long deadline = start + maxTime.toNanos();
			int finished = 0;
			for (Stream s : all) {
				s.updateInterest();
			}
			while (finished < connections && System.nanoTime() < deadline) {
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

	private static final class Stream {

		private static final long MAX_UNECHOED = 1024 * 1024;

		final SocketChannel channel;

		final byte[] pattern;

		final ByteBuffer out;

		final ByteBuffer in;

		final long total;

		final SelectionKey key;

		long sent;

		long received;

		Stream(SocketChannel channel, Selector selector, int chunk, long total, int id) throws IOException {
			this.channel = channel;
			this.total = total;
			// byte i of the stream is (i + id) & 0xff: any chunk is a slice of this array
			this.pattern = new byte[chunk + 256];
			for (int i = 0; i < this.pattern.length; i++) {
				this.pattern[i] = (byte) (i + id);
			}
			this.out = ByteBuffer.wrap(this.pattern, 0, 0);
			this.in = ByteBuffer.allocate(chunk);
			this.key = channel.register(selector, 0, this);
		}

		void write() throws IOException {
			if (!this.out.hasRemaining()) {
				int offset = (int) (this.sent & 0xff);
				int length = (int) Math.min(this.in.capacity(), this.total - this.sent);
				this.out.limit(offset + length).position(offset);
			}
			this.sent += this.channel.write(this.out);
		}

		/** Reads and verifies; true once everything came back. */
		boolean read() throws IOException {
			int n;
			while ((n = this.channel.read(this.in.clear())) > 0) {
				int offset = (int) (this.received & 0xff);
				if (!Arrays.equals(this.in.array(), 0, n, this.pattern, offset, offset + n)) {
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
