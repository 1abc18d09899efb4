package dev.asyncore.probe.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import dev.asyncore.probe.http.Origin;

/**
 * A minimal blocking websocket server on 127.0.0.1, port 0 (plain or TLS), written by hand from RFC
 * 6455: it answers the Upgrade as {@link Handshake} says, then runs a test's {@link Script} over the
 * frames. Records each request's head and each text message it read. One thread per connection.
 */
final class WsPeer implements AutoCloseable {

	/** How the Upgrade is answered. */
	enum Handshake {
		GOOD, WRONG_ACCEPT, NOT_UPGRADED
	}

	/** What the server does after the Upgrade. */
	@FunctionalInterface
	interface Script {

		void run(Connection connection) throws IOException;

	}

	/** One upgraded connection. */
	static final class Connection {

		private final DataInputStream in;

		private final OutputStream out;

		private final Queue<String> read;

		Connection(InputStream in, OutputStream out, Queue<String> read) {
			this.in = new DataInputStream(in);
			this.out = out;
			this.read = read;
		}

		void text(String text) throws IOException {
			frame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
		}

		/** An unmasked server frame. */
		void frame(boolean fin, int opcode, byte[] payload) throws IOException {
			ByteArrayOutputStream frame = new ByteArrayOutputStream();
			frame.write((fin ? 0x80 : 0) | opcode);
			if (payload.length < 126) {
				frame.write(payload.length);
			}
			else if (payload.length <= 0xFFFF) {
				frame.write(126);
				frame.write(payload.length >>> 8);
				frame.write(payload.length & 0xFF);
			}
			else {
				frame.write(127);
				for (int shift = 56; shift >= 0; shift -= 8) {
					frame.write((int) ((long) payload.length >>> shift) & 0xFF);
				}
			}
			frame.write(payload);
			this.out.write(frame.toByteArray());
			this.out.flush();
		}

		/** Reads one client frame (which must be masked) and returns its opcode and text. */
		String readFrame() throws IOException {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			if ((second & 0x80) == 0) {
				throw new IOException("client frame not masked");
			}
			long length = second & 0x7F;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] mask = this.in.readNBytes(4);
			byte[] payload = this.in.readNBytes((int) length);
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i & 3];
			}
			String text = (first & 0x0F) + ":" + new String(payload, StandardCharsets.UTF_8);
			this.read.add(text);
			return text;
		}

	}

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "ws-peer");
		thread.setDaemon(true);
		return thread;
	});

	private final Queue<String> heads = new ConcurrentLinkedQueue<>();

	private final Queue<String> read = new ConcurrentLinkedQueue<>();

	WsPeer(SSLContext tls, Handshake handshake, Script script) throws IOException {
		this.server = (tls != null) ? tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())
				: new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.threads.execute(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.threads.execute(() -> serve(socket, handshake, script));
				}
				catch (IOException ex) {
					return;
				}
			}
		});
	}

	private void serve(Socket socket, Handshake handshake, Script script) {
		try (socket) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			String head = Origin.head(in);
			this.heads.add(head);
			String key = "";
			for (String line : head.split("\r\n")) {
				if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
					key = line.substring(18).strip();
				}
			}
			switch (handshake) {
				case NOT_UPGRADED -> {
					out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
					return;
				}
				case WRONG_ACCEPT -> key = key + "x";
				case GOOD -> {
				}
			}
			out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + WebsocketFrames.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			script.run(new Connection(in, out, this.read));
			socket.shutdownOutput();
			in.transferTo(OutputStream.nullOutputStream()); // until the prober hangs up
		}
		catch (IOException ex) {
			// the prober hung up
		}
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** Each Upgrade request's head, in arrival order. */
	Queue<String> heads() {
		return this.heads;
	}

	/** Each client frame read, as {@code opcode:text}. */
	Queue<String> read() {
		return this.read;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.threads.shutdownNow();
	}

}
