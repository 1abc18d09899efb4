package dev.asyncore.echo;

import java.io.IOException;
import java.net.SocketAddress;

import dev.asyncore.core.DatagramDispatcher;

/** Setting up the UDP servers of this package. */
final class Datagrams {

	private Datagrams() {
	}

	/**
	 * Binds {@code dispatcher}'s socket to {@code address}, closing it if that fails.
	 * @throws java.net.BindException naming the address if it is taken
	 */
	static void bindOrClose(DatagramDispatcher dispatcher, SocketAddress address) throws IOException {
		try {
			dispatcher.bind(address);
		}
		catch (IOException | RuntimeException ex) {
			dispatcher.close();
			throw ex;
		}
	}

}
