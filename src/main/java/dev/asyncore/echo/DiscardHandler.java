package dev.asyncore.echo;

import java.nio.channels.SocketChannel;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * The discard service (RFC 863): reads everything its peer sends and throws it away. Bytes are
 * still counted as received. Loop thread only.
 */
public class DiscardHandler extends Dispatcher {

	public DiscardHandler(Reactor reactor, SocketChannel channel) {
		super(reactor, channel);
	}

	@Override
	protected void handleRead() {
		// recv counts the bytes; the shared read buffer is simply reused on the next event.
		recv(this.reactor.readBuffer());
	}

}
