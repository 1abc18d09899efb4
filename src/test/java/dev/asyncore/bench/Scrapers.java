package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client of the {@code /probe} benchmarks: keep-alive connections, each asking one
 * exporter for one probe after the other, either as fast as it answers or at a fixed rate (as
 * Prometheus scrapes: every target on its interval). It shares the machine's two cores with the
 * exporter under test, so it is kept cheap: one buffer per connection, the response framed on
 * bytes (Content-Length or chunked, as Go's net/http sends blackbox_exporter's), no text built;
 * its own CPU is measured (per thread) and reported beside the exporter's.
 */
final class Scrapers {

	static final int CONNECTIONS = 32;

	private static final byte[] SUCCESS = "\nprobe_success 1\n".getBytes(StandardCharsets.ISO_8859_1);

	private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.ISO_8859_1);

	private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/** What one load did: probes answered, how many of them did not report success, wall time, the client's CPU. */
	record Load(long probes, long failures, long wallNanos, long clientCpuNanos) {

		double perSecond() {
			return this.probes * 1e9 / this.wallNanos;
		}

		/** The load client's CPU per probe: the same client for both exporters, so this shows it was cheap, not a limit. */
		double clientMicrosPerProbe() {
			return this.clientCpuNanos / 1e3 / this.probes;
		}

		/** The load client's CPU in percent of one core. */
		double clientCorePercent() {
			return this.clientCpuNanos * 100.0 / this.wallNanos;
		}

	}

	private Scrapers() {
	}

	/** {@code total} probes over {@link #CONNECTIONS} connections, each sent when the previous answer is read. */
	static Load saturate(int port, byte[] request, int total) throws InterruptedException {
		return saturate(port, request, total, CONNECTIONS);
	}

	/** {@code total} probes over {@code connections} connections (one: strictly one after the other). */
	static Load saturate(int port, byte[] request, int total, int connections) throws InterruptedException {
		AtomicLong left = new AtomicLong(total);
		return run(port, connections, (scraper, index) -> {
			long failures = 0;
			while (left.getAndDecrement() > 0) {
				failures += scraper.probe(request) ? 0 : 1;
			}
			return failures;
		});
	}

	/**
	 * {@code perSecond} probes a second for {@code duration}, spread evenly over {@code connections}
	 * connections (each one probe every {@code connections / perSecond} seconds, staggered), as
	 * scrapes arrive; a connection whose answer is late sends its next request at once.
	 */
	static Load paced(int port, byte[] request, int connections, int perSecond, Duration duration)
			throws InterruptedException {
		long period = 1_000_000_000L * connections / perSecond;
		long end = System.nanoTime() + duration.toNanos();
		return run(port, connections, (scraper, index) -> {
			long failures = 0;
			long next = System.nanoTime() + period * index / connections;
			for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
				if (next > now) {
					LockSupport.parkNanos(next - now); // the pacing itself: waiting for the next scrape is the point
					continue;
				}
				next += period;
				failures += scraper.probe(request) ? 0 : 1;
			}
			return failures;
		});
	}

	private interface Work {

		/** Returns the failures. */
		long run(Scraper scraper, int index) throws IOException;

	}

	private static Load run(int port, int connections, Work work) throws InterruptedException {
		AtomicLong probes = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		AtomicLong cpu = new AtomicLong();
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		List<Thread> threads = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < connections; i++) {
			int index = i;
			Thread thread = new Thread(() -> {
				long cpu0 = THREADS.getCurrentThreadCpuTime();
				try (Scraper scraper = new Scraper(port)) {
					failures.addAndGet(work.run(scraper, index));
					probes.addAndGet(scraper.answered);
				}
				catch (IOException | RuntimeException ex) {
					errors.add(ex);
				}
				cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
			}, "scraper-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(Duration.ofMinutes(5).toMillis());
		}
		long wall = System.nanoTime() - start;
		if (!errors.isEmpty()) {
			throw new IllegalStateException("load client failed", errors.get(0));
		}
		return new Load(probes.get(), failures.get(), wall, cpu.get());
	}

	/** One keep-alive connection to the exporter and its receive buffer. */
	static final class Scraper implements AutoCloseable {

		private final Socket socket;

		private final OutputStream out;

		private final InputStream in;

		private byte[] buffer = new byte[16 * 1024];

		/** Unread bytes are {@code buffer[start, end)}. */
		private int start;

		private int end;

		long answered;

		Scraper(int port) throws IOException {
			this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
			this.socket.setSoTimeout(30_000);
			this.socket.setTcpNoDelay(true);
			this.out = this.socket.getOutputStream();
			this.in = this.socket.getInputStream();
		}

		/** Sends {@code request}, reads the whole answer; true if its body reports {@code probe_success 1}. */
		boolean probe(byte[] request) throws IOException {
			this.out.write(request);
			int headEnd;
			while ((headEnd = indexOf(this.buffer, this.start, this.end, HEAD_END)) < 0) {
				fill();
			}
			String head = new String(this.buffer, this.start, headEnd - this.start, StandardCharsets.ISO_8859_1);
			this.start = headEnd + 4;
			boolean success;
			if (head.toLowerCase(java.util.Locale.ROOT).contains("\ntransfer-encoding: chunked")) {
				success = chunkedBodySucceeded();
			}
			else {
				int length = contentLength(head);
				while (this.end - this.start < length) {
					fill();
				}
				success = indexOf(this.buffer, this.start, this.start + length, SUCCESS) >= 0;
				this.start += length;
			}
			this.answered++;
			return success;
		}

		private boolean chunkedBodySucceeded() throws IOException {
			boolean success = false;
			while (true) {
				int lineEnd;
				while ((lineEnd = indexOf(this.buffer, this.start, this.end, CRLF)) < 0) {
					fill();
				}
				String line = new String(this.buffer, this.start, lineEnd - this.start, StandardCharsets.ISO_8859_1);
				int semicolon = line.indexOf(';');
				int size = Integer.parseInt((semicolon >= 0) ? line.substring(0, semicolon) : line, 16);
				this.start = lineEnd + 2;
				while (this.end - this.start < size + 2) {
					fill();
				}
				// a chunk boundary could split the line; blackbox_exporter writes one chunk under 4 KiB
				success |= indexOf(this.buffer, this.start, this.start + size, SUCCESS) >= 0;
				this.start += size + 2;
				if (size == 0) {
					return success;
				}
			}
		}

		private static int contentLength(String head) {
			for (String line : head.split("\r\n")) {
				if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
					return Integer.parseInt(line.substring(15).strip());
				}
			}
			throw new IllegalStateException("no Content-Length and not chunked: " + head);
		}

		private void fill() throws IOException {
			if (this.start > 0) {
				System.arraycopy(this.buffer, this.start, this.buffer, 0, this.end - this.start);
				this.end -= this.start;
				this.start = 0;
			}
			if (this.end == this.buffer.length) {
				this.buffer = Arrays.copyOf(this.buffer, this.buffer.length * 2);
			}
			int n = this.in.read(this.buffer, this.end, this.buffer.length - this.end);
			if (n < 0) {
				throw new IOException("exporter closed the connection mid-answer");
			}
			this.end += n;
		}

		static int indexOf(byte[] bytes, int from, int to, byte[] needle) {
			outer: for (int i = from; i <= to - needle.length; i++) {
				for (int j = 0; j < needle.length; j++) {
					if (bytes[i + j] != needle[j]) {
						continue outer;
					}
				}
				return i;
			}
			return -1;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
