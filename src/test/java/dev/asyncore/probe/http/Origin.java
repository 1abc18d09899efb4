package dev.asyncore.probe.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking loopback origin (127.0.0.1, port 0) whose replies a test writes byte for byte: bodies
 * in any encoding, corrupt ones, and bodies that stop half way and hang until {@link #close()}.
 * One thread per connection.
 */
public final class Origin implements AutoCloseable {

	/** Writes the reply to one request. */
	@FunctionalInterface
	public interface Reply {

		void write(OutputStream out, String path, Origin origin) throws IOException, InterruptedException;

	}

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "origin");
		thread.setDaemon(true);
		return thread;
	});

	private final CountDownLatch closed = new CountDownLatch(1);

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger stalled = new AtomicInteger();

	private final Queue<String> heads = new ConcurrentLinkedQueue<>();

	public Origin(Reply reply) throws IOException {
		this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
		this.threads.execute(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.connections.incrementAndGet();
					this.threads.execute(() -> serve(socket, reply));
				}
				catch (IOException ex) {
					return; // closed
				}
			}
		});
	}

	private void serve(Socket socket, Reply reply) {
		try (socket) {
			InputStream in = socket.getInputStream();
			String head = head(in);
			this.heads.add(head);
			String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
			OutputStream out = socket.getOutputStream();
			reply.write(out, path, this);
			out.flush();
		}
		catch (IOException ex) {
			// the prober hung up: expected when a probe fails at a bound
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Reads a request's head up to and with its blank line. */
	public static String head(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("no request");
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/** A reply's status line and headers, then {@code body}. */
	public static void respond(OutputStream out, String headers, byte[] body) throws IOException {
		out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n" + headers + "\r\n")
			.getBytes(StandardCharsets.ISO_8859_1));
		out.write(body);
	}

	/** Holds the connection open, sending nothing more, until the origin closes. */
	public void stall() throws InterruptedException {
		this.stalled.incrementAndGet();
		try {
			this.closed.await(60, TimeUnit.SECONDS);
		}
		finally {
			this.stalled.decrementAndGet();
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public String url(String path) {
		return "http://127.0.0.1:" + port() + path;
	}

	/** Connections accepted so far. */
	public int connections() {
		return this.connections.get();
	}

	/** The head of each request so far (request line and headers), in arrival order. */
	public List<String> heads() {
		return List.copyOf(this.heads);
	}

	/** Connections hanging in {@link #stall()} now. */
	public int stalled() {
		return this.stalled.get();
	}

	@Override
	public void close() throws IOException {
		this.closed.countDown();
		this.server.close();
		this.threads.shutdownNow();
	}

}
