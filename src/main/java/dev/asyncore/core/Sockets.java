package dev.asyncore.core;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;

/**
 * The socket calls behind {@link Dispatcher}'s set-up verbs, with the failures a user can act on
 * named: a taken address, a Unix-domain path that exists. Any thread (they touch only the channel).
 */
final class Sockets {

	private static final int DEFAULT_BACKLOG = 128;

	private Sockets() {
	}

	/** {@code SO_REUSEADDR} where the socket has it; a Unix-domain socket has not. */
	static void setReuseAddr(NetworkChannel channel) throws IOException {
		if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR)) {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
		}
	}

	/**
	 * Starts connecting {@code socket}.
	 * @return whether the connection is established already
	 * @throws IOException naming the address if it is not resolved (look names up off the loop thread)
	 */
	static boolean connect(SocketChannel socket, SocketAddress address) throws IOException {
		try {
			return socket.connect(address);
		}
		catch (UnresolvedAddressException ex) {
			throw new IOException("Unresolved address " + address + ": resolve it before connect()", ex);
		}
	}

	static void bind(NetworkChannel channel, SocketAddress address) throws IOException {
		try {
			channel.bind(address);
		}
		catch (BindException ex) {
			throw bindFailure(address, ex);
		}
	}

	static void listen(ServerSocketChannel server, SocketAddress address, int backlog) throws IOException {
		try {
			server.bind(address, (backlog > 0) ? backlog : DEFAULT_BACKLOG);
		}
		catch (BindException ex) {
			throw bindFailure(address, ex);
		}
	}

	private static BindException bindFailure(SocketAddress address, BindException cause) {
		String hint = (address instanceof UnixDomainSocketAddress) ? "does the file exist already?"
				: "is another process using the port?";
		BindException failure = new BindException("Cannot bind " + address + ": " + cause.getMessage() + " (" + hint + ")");
		failure.initCause(cause);
		return failure;
	}

	/** The bound address of an open network channel, else {@code null}. */
	static SocketAddress localAddress(Channel channel) {
		if (channel instanceof NetworkChannel network && network.isOpen()) {
			try {
				return network.getLocalAddress();
			}
			catch (IOException ex) {
				return null;
			}
		}
		return null;
	}

}
