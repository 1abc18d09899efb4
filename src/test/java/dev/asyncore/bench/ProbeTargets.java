package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two loopback listeners in the benchmark's JVM for the exporters to probe: one that accepts and
 * closes ({@code tcp_connect}), and one that accepts and stalls, holding every connection without a
 * byte until it is closed (slow probes, which stay in flight until their timeout).
 */
final class ProbeTargets implements AutoCloseable {

	private final ServerSocket quick;

	private final ServerSocket stall;

	private final List<Socket> held = new CopyOnWriteArrayList<>();

	ProbeTargets() throws IOException {
		this.quick = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
		this.stall = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
		Thread.ofPlatform().daemon().name("target-quick").start(() -> accept(this.quick, false));
		Thread.ofPlatform().daemon().name("target-stall").start(() -> accept(this.stall, true));
	}

	String tcpTarget() {
		return "127.0.0.1:" + this.quick.getLocalPort();
	}

	String stallTarget() {
		return "127.0.0.1:" + this.stall.getLocalPort();
	}

	private void accept(ServerSocket server, boolean hold) {
		try {
			while (true) {
				Socket socket = server.accept();
				if (hold) {
					this.held.add(socket);
				}
				else {
					socket.close();
				}
			}
		}
		catch (SocketException ex) {
			// closed: the benchmark is over
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.quick.close();
		this.stall.close();
		for (Socket socket : this.held) {
			socket.close();
		}
	}

}
