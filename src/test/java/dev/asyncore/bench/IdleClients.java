package dev.asyncore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Idle connections held open by a child JVM, so that neither their file descriptors nor their heap
 * count against the server being measured. {@code main(host, port, count)} connects, prints
 * {@code READY}, and closes everything when its standard input closes.
 */
final class IdleClients implements AutoCloseable {

	private final Process process;

	private IdleClients(Process process) {
		this.process = process;
	}

	/** Starts the child and waits until all {@code count} connections are established. */
	static IdleClients open(InetSocketAddress server, int count) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				IdleClients.class.getName(), server.getHostString(), String.valueOf(server.getPort()),
				String.valueOf(count))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		InputStream out = process.getInputStream();
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = out.read()) >= 0 && c != '\n') {
			line.append((char) c);
		}
		if (!"READY".contentEquals(line)) {
			process.destroyForcibly();
			throw new IOException("idle clients did not start: " + line);
		}
		return new IdleClients(process);
	}

	@Override
	public void close() throws Exception {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	public static void main(String[] args) throws Exception {
		InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
		int count = Integer.parseInt(args[2]);
		List<SocketChannel> channels = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			channels.add(SocketChannel.open(server));
		}
		System.out.println("READY");
		System.out.flush();
		System.in.readAllBytes();
		for (SocketChannel channel : channels) {
			channel.close();
		}
	}

}
