package dev.asyncore.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking loopback server (127.0.0.1, port 0) whose replies a test scripts byte for byte, for
 * replies no real server would send. One thread per connection.
 */
final class RawServer implements AutoCloseable {

	/** Serves one connection; {@code index} counts connections from 0. */
	@FunctionalInterface
	interface Handler {

		void handle(SocketChannel connection, int index) throws Exception;

	}

	private final ServerSocketChannel server;

	private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "raw-server");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger connections = new AtomicInteger();

	final List<String> requests = new CopyOnWriteArrayList<>();

	RawServer(Handler handler) throws IOException {
		this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
		this.threads.execute(() -> {
			while (this.server.isOpen()) {
				try {
					SocketChannel connection = this.server.accept();
					int index = this.connections.getAndIncrement();
					this.threads.execute(() -> serve(handler, connection, index));
				}
				catch (IOException ex) {
					return; // closed by the test
				}
			}
		});
	}

	private void serve(Handler handler, SocketChannel connection, int index) {
		try (connection) {
			handler.handle(connection, index);
		}
		catch (Exception ex) {
			this.requests.add("server error: " + ex);
		}
	}

	int port() throws IOException {
		return ((InetSocketAddress) this.server.getLocalAddress()).getPort();
	}

	URI uri(String path) throws IOException {
		return URI.create("http://127.0.0.1:" + port() + path);
	}

	int connectionCount() {
		return this.connections.get();
	}

	/** Reads one request head (up to the blank line); {@code null} if the client closed first. */
	String readRequest(SocketChannel connection) throws IOException {
		StringBuilder head = new StringBuilder();
		ByteBuffer one = ByteBuffer.allocate(1);
		while (head.indexOf("\r\n\r\n") < 0) {
			one.clear();
			if (connection.read(one) < 0) {
				return null;
			}
			head.append((char) (one.get(0) & 0xff));
		}
		this.requests.add(head.toString());
		return head.toString();
	}

	static void write(SocketChannel connection, String text) throws IOException {
		write(connection, text.getBytes(StandardCharsets.ISO_8859_1));
	}

	static void write(SocketChannel connection, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			connection.write(buffer);
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.threads.shutdownNow();
	}

}
