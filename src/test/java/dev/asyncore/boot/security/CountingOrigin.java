package dev.asyncore.boot.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback origin that counts the TCP connections it accepts (so a test can tell that the reactor
 * opened none) and answers each request {@code 200 ok} with {@code Connection: close}. One per JVM.
 */
final class CountingOrigin {

	private static CountingOrigin instance;

	private final ServerSocket server;

	private final AtomicInteger accepted = new AtomicInteger();

	private CountingOrigin() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread thread = new Thread(this::serve, "counting-origin");
		thread.setDaemon(true);
		thread.start();
	}

	static synchronized CountingOrigin get() {
		if (instance == null) {
			try {
				instance = new CountingOrigin();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start the counting origin", ex);
			}
		}
		return instance;
	}

	/** {@code http://127.0.0.1:<port>/}. */
	String url() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/";
	}

	/** Connections accepted so far. */
	int accepted() {
		return this.accepted.get();
	}

	private void serve() {
		while (!this.server.isClosed()) {
			try (Socket socket = this.server.accept()) {
				this.accepted.incrementAndGet();
				socket.setSoTimeout(5_000);
				readHead(socket.getInputStream());
				OutputStream out = socket.getOutputStream();
				out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			catch (IOException ex) {
				// a client that went away; serve the next one
			}
		}
	}

	private static void readHead(InputStream in) throws IOException {
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		int b;
		while (matched < end.length && (b = in.read()) != -1) {
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
	}

}
