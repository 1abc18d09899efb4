package dev.asyncore.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP proxy for tests, on loopback port 0, a thread per connection: {@code CONNECT host:port}
 * opens a tunnel (200, then bytes both ways), an absolute-form request is forwarded in origin form.
 * Host names other than IP literals are sent to {@code 127.0.0.1} (the proxy "resolves" them so).
 * Every request head is recorded; {@link #refuse(int)} answers every request with that status.
 */
public final class TestProxy implements AutoCloseable {

	private final ServerSocket server;

	private final List<String> heads = new CopyOnWriteArrayList<>();

	private volatile int refuse;

	public TestProxy() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread accept = new Thread(this::accept, "test-proxy");
		accept.setDaemon(true);
		accept.start();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + port());
	}

	/** Each request head received, in order (request line and headers, CRLF-separated). */
	public List<String> heads() {
		return this.heads;
	}

	/** Answer every request with {@code status} from now on (0: proxy again). */
	public void refuse(int status) {
		this.refuse = status;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Thread serve = new Thread(() -> serve(client), "test-proxy-conn");
				serve.setDaemon(true);
				serve.start();
			}
			catch (IOException ex) {
				return; // closed
			}
		}
	}

	private void serve(Socket client) {
		try (client) {
			InputStream in = client.getInputStream();
			OutputStream out = client.getOutputStream();
			String head = readHead(in);
			if (head == null) {
				return;
			}
			this.heads.add(head);
			if (this.refuse != 0) {
				out.write(("HTTP/1.1 " + this.refuse + " Refused by test proxy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
				return;
			}
			String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
			if (line[0].equals("CONNECT")) {
				try (Socket upstream = open(URI.create("tcp://" + line[1]))) {
					out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
					pipe(client, upstream);
				}
				return;
			}
			URI target = URI.create(line[1]);
			try (Socket upstream = open(target)) {
				String path = target.getRawPath() + ((target.getRawQuery() != null) ? "?" + target.getRawQuery() : "");
				String origin = line[0] + " " + path + " " + line[2] + head.substring(head.indexOf("\r\n")) + "\r\n\r\n";
				upstream.getOutputStream().write(origin.getBytes(StandardCharsets.ISO_8859_1));
				pipe(client, upstream);
			}
		}
		catch (IOException ex) {
			// the test's client or server went away: this connection ends
		}
	}

	private static Socket open(URI target) throws IOException {
		String host = target.getHost();
		boolean literal = host.matches("[0-9.]+") || host.startsWith("[");
		InetAddress address = literal ? InetAddress.getByName(host) : InetAddress.getLoopbackAddress();
		return new Socket(address, target.getPort());
	}

	/** Copies upstream to the client on another thread and the client to upstream on this one. */
	private static void pipe(Socket client, Socket upstream) throws IOException {
		Thread back = new Thread(() -> {
			try {
				upstream.getInputStream().transferTo(client.getOutputStream());
				client.shutdownOutput();
			}
			catch (IOException ex) {
				// either side closed
			}
		}, "test-proxy-back");
		back.setDaemon(true);
		back.start();
		try {
			client.getInputStream().transferTo(upstream.getOutputStream());
			upstream.shutdownOutput();
			back.join(10_000);
		}
		catch (IOException ex) {
			// either side closed
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < 4) {
			int b = in.read();
			if (b < 0 || head.size() > 65536) {
				return null;
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		return text.substring(0, text.length() - 4);
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	/** The proxy's address. */
	public InetSocketAddress address() {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
	}

}
