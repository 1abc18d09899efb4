package dev.asyncore.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * {@code example send-file PATH}: a server in the map sends PATH to the one client that connects
 * with {@link BufferedDispatcher#sendFile} (zero copy on a plain socket), then closes when done; the
 * client, in the same map, counts and hashes what arrives until end of stream.
 */
final class SendFileExample {

	private SendFileExample() {
	}

	static int run(Path path, PrintStream out) throws IOException {
		Reactor reactor = new Reactor("send-file");
		try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
			long size = file.size();
			Server server = new Server(reactor, file, size);
			Client client = new Client(reactor, server.localAddress());
			reactor.loop();
			String sha256 = HexFormat.of().formatHex(client.digest.digest());
			out.println("sent " + size + " bytes of " + path + " with sendFile; the client received " + client.received
					+ " bytes, sha256 " + sha256);
			return (client.received == size) ? 0 : 1;
		}
		finally {
			reactor.close();
		}
	}

	/** Serves the file to one connection, then stops listening so that the map can empty. */
	private static final class Server extends Dispatcher {

		private final FileChannel file;

		private final long size;

		Server(Reactor reactor, FileChannel file, long size) throws IOException {
			super(reactor);
			this.file = file;
			this.size = size;
			createServerSocket();
			bind(new InetSocketAddress("127.0.0.1", 0));
			listen(1);
		}

		@Override
		protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
			BufferedDispatcher connection = new BufferedDispatcher(this.reactor, channel);
			connection.sendFile(this.file, 0, this.size);
			connection.closeWhenDone();
			close();
		}

	}

	/** Reads to end of stream, hashing as it goes. */
	private static final class Client extends Dispatcher {

		final MessageDigest digest;

		long received;

		Client(Reactor reactor, SocketAddress server) throws IOException {
			super(reactor);
			try {
				this.digest = MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is required of every JVM", ex);
			}
			createSocket();
			connect(server);
		}

		@Override
		protected void handleConnect() {
		}

		@Override
		protected void handleRead() {
			ByteBuffer buffer = this.reactor.readBuffer();
			int n = recv(buffer);
			if (n > 0) {
				this.received += n;
				this.digest.update(buffer.flip());
			}
		}

	}

}
