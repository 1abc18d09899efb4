package dev.asyncore.probe.tls;

import java.io.IOException;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.core.Reactor;
import dev.asyncore.tls.TlsTransport;

/**
 * An {@link AsyncChat} of a prober that may switch its connection to TLS: {@link #startTls} installs
 * the transport, which drives the handshake without running hooks; once it completed,
 * {@link #tlsEstablished()} runs once, before the read or write hook the transport then delivers.
 * The tcp prober's dialogue (TLS from the start or after {@code starttls}) and DNS over TLS share it.
 * Loop thread only.
 */
public abstract class TlsChat extends AsyncChat {

	/** The transport whose handshake is under way, or {@code null}. */
	private TlsTransport handshaking;

	protected TlsChat(Reactor reactor) {
		super(reactor);
	}

	/** Routes the connection through {@code transport} from now on; its handshake starts at once. */
	protected final void startTls(TlsTransport transport) {
		this.handshaking = transport;
		setTransport(transport);
	}

	/** The handshake completed: the connection carries application data from here on. */
	protected abstract void tlsEstablished();

	private void checkHandshake() {
		if (this.handshaking != null && this.handshaking.isHandshakeComplete()) {
			this.handshaking = null;
			tlsEstablished();
		}
	}

	@Override
	protected void handleRead() throws IOException {
		checkHandshake();
		if (!isClosed()) {
			super.handleRead();
		}
	}

	@Override
	protected void handleWrite() {
		checkHandshake();
		if (!isClosed()) {
			super.handleWrite();
		}
	}

}
