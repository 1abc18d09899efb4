package dev.asyncore.probe.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A blocking loopback TCP server whose every connection runs a test's script on its own thread. */
final class ScriptedServer implements AutoCloseable {

	/** One connection's side of the dialogue. */
	@FunctionalInterface
	interface Script {

		void run(Socket socket) throws Exception;

	}

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
		Thread thread = new Thread(r, "scripted-server");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	final List<Throwable> failures = new CopyOnWriteArrayList<>();

	ScriptedServer(Script script) throws IOException {
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.threads.execute(() -> {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.sockets.add(socket);
					this.threads.execute(() -> {
						try (socket) {
							script.run(socket);
						}
						catch (Exception ex) {
							this.failures.add(ex);
						}
					});
				}
				catch (IOException ex) {
					return; // closed
				}
			}
		});
	}

	int port() {
		return this.server.getLocalPort();
	}

	String target() {
		return "127.0.0.1:" + port();
	}

	static void write(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.threads.shutdownNow();
	}

}
