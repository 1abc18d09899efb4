package dev.asyncore.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Blocking loopback clients for tests: plain {@code java.net} sockets with read timeouts. */
public final class Loopback {

	/** Longest a test read waits before it fails instead of hanging. */
	public static final int READ_TIMEOUT_MILLIS = 10_000;

	private Loopback() {
	}

	/** A connected socket to {@code 127.0.0.1:port} whose reads time out. */
	public static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		return socket;
	}

	/** Sends {@code message}, half-closes and reads until the server closes. */
	public static byte[] echo(int port, byte[] message) throws IOException {
		try (Socket socket = connect(port)) {
			OutputStream out = socket.getOutputStream();
			out.write(message);
			out.flush();
			socket.shutdownOutput();
			return readToEnd(socket.getInputStream());
		}
	}

	/** Sends {@code text} and reads exactly its length back, leaving the connection open. */
	public static String roundTrip(Socket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		socket.getOutputStream().write(bytes);
		socket.getOutputStream().flush();
		return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
	}

	public static byte[] readToEnd(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		in.transferTo(received);
		return received.toByteArray();
	}

	/** A message of {@code length} bytes whose content depends on {@code seed} and the offset. */
	public static byte[] pattern(int seed, int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = patternByte(seed, i);
		}
		return bytes;
	}

	public static byte patternByte(int seed, long offset) {
		return (byte) ((seed * 31 + offset) % 251);
	}

}
