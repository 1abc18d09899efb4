package dev.asyncore.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import tlschannel.ClientTlsChannel;
import tlschannel.NeedsReadException;
import tlschannel.NeedsWriteException;
import tlschannel.ServerTlsChannel;
import tlschannel.TlsChannel;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Transport;

/**
 * TLS under a dispatcher's {@code send}/{@code recv}, on tls-channel's {@link TlsChannel}: install
 * it with {@code dispatcher.setTransport(TlsTransport.client(...))} (or {@link TlsServerContext#wrap}
 * on the server side). Works for any {@link Dispatcher}: {@code AsyncChat}, {@code BufferedDispatcher}
 * or a plain one.
 *
 * <p>The handshake is driven by the transport itself from the selector's readiness (the client
 * starts it as soon as the socket is writable), so it never waits for the dispatcher to read or
 * write. tls-channel signals would-block with {@link NeedsReadException} / {@link NeedsWriteException};
 * here they become a return of 0, as a socket's would-block. When a handshake (or renegotiation)
 * needs the direction the dispatcher did not ask for, {@link #interestOps(int)} swaps the selector
 * interest to that direction and {@link #readyOps(int)} hands the readiness back to the hook that
 * was blocked, so a dispatcher that only reads still completes a handshake that must write, and
 * the reverse. After a read that returned data, {@link #hasBufferedInput()} asks for one more read:
 * tls-channel may hold decrypted or encrypted bytes the socket will not signal again.
 *
 * <p>Loop thread only. {@link #close()} sends close_notify without waiting for the peer's; a peer
 * that never drains its socket may not receive it.
 */
public final class TlsTransport implements Transport {

	private static final int RW = SelectionKey.OP_READ | SelectionKey.OP_WRITE;

	private final TlsChannel tls;

	private boolean readNeedsWrite;

	private boolean writeNeedsRead;

	private boolean maybeBuffered;

	private boolean handshaking = true;

	private int handshakeOps;

	private int wanted;

	private final ByteBuffer[] single = new ByteBuffer[1];

	private final boolean server;

	private TlsTransport(TlsChannel tls, boolean client) {
		this.tls = tls;
		this.server = !client;
		// the client speaks first; a server waits for the ClientHello
		this.handshakeOps = client ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
	}

	/**
	 * Client side with hostname verification ({@code HTTPS} endpoint identification) and SNI on.
	 * @param channel the connected (or connecting) socket
	 * @param context trust material; {@code SSLContext.getDefault()} uses the JDK's trust store
	 * @param host the name (or IP literal, IPv6 in brackets or not) the certificate must match
	 * @param port the peer's port, for session resumption
	 */
	public static TlsTransport client(SocketChannel channel, SSLContext context, String host, int port) {
		return client(channel, context, host, port, null);
	}

	/**
	 * As {@link #client(SocketChannel, SSLContext, String, int)}, with {@code configure} applied to
	 * the engine once client mode, hostname verification and SNI are set, before the handshake: to
	 * narrow what the engine offers, such as the protocol versions of a prober's
	 * {@code min_version}/{@code max_version} ({@code engine.setEnabledProtocols(...)}). It must not
	 * turn client mode or endpoint identification off.
	 * @param configure changes the engine, or {@code null} for none
	 */
	public static TlsTransport client(SocketChannel channel, SSLContext context, String host, int port,
			Consumer<SSLEngine> configure) {
		String peer = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		SSLEngine engine = context.createSSLEngine(peer, port);
		engine.setUseClientMode(true);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		parameters.setServerNames(serverNames(peer));
		engine.setSSLParameters(parameters);
		if (configure != null) {
			configure.accept(engine);
		}
		return new TlsTransport(ClientTlsChannel.newBuilder(channel, engine).build(), true);
	}

	/** The SNI name of {@code peer}; none for an IP literal or what is no host name (a Unix socket's path). */
	private static List<SNIServerName> serverNames(String peer) {
		if (isIpLiteral(peer)) {
			return List.of();
		}
		try {
			return List.of(new SNIHostName(peer));
		}
		catch (IllegalArgumentException ex) {
			return List.of(); // the name is still verified against the certificate: it fails there unless trusted blindly
		}
	}

	/** Server side over an accepted socket; the client's SNI is available from the session. */
	public static TlsTransport server(SocketChannel channel, SSLContext context) {
		return new TlsTransport(ServerTlsChannel.newBuilder(channel, context).build(), false);
	}

	/**
	 * Server side whose engine {@code engines} makes from {@code context} (to restrict protocols and
	 * cipher suites, as {@link TlsServerContext} does).
	 */
	public static TlsTransport server(SocketChannel channel, SSLContext context,
			Function<SSLContext, SSLEngine> engines) {
		return new TlsTransport(ServerTlsChannel.newBuilder(channel, context).withEngineFactory(engines).build(),
				false);
	}

	private static boolean isIpLiteral(String host) {
		return host.indexOf(':') >= 0 || host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
	}

	/** True for the accepting side: its failed handshakes are counted, not reported as errors. */
	@Override
	public boolean isServerSide() {
		return this.server;
	}

	/** The engine, for the negotiated session, protocol and peer certificates. */
	public SSLEngine engine() {
		return this.tls.getSslEngine();
	}

	@Override
	public int read(ByteBuffer dst) throws IOException {
		if (this.handshaking) {
			return 0;
		}
		this.readNeedsWrite = false;
		this.maybeBuffered = false;
		try {
			int n = this.tls.read(dst);
			this.maybeBuffered = n > 0;
			return n;
		}
		catch (NeedsReadException ex) {
			return 0;
		}
		catch (NeedsWriteException ex) {
			this.readNeedsWrite = true;
			return 0;
		}
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		// one reusable array: no allocation per write
		this.single[0] = src;
		try {
			return (int) write(this.single, 0, 1);
		}
		finally {
			this.single[0] = null;
		}
	}

	@Override
	public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
		if (this.handshaking) {
			return 0;
		}
		this.writeNeedsRead = false;
		try {
			return this.tls.write(srcs, offset, length);
		}
		catch (NeedsWriteException ex) {
			return 0;
		}
		catch (NeedsReadException ex) {
			this.writeNeedsRead = true;
			return 0;
		}
	}

	@Override
	public long write(ByteBuffer[] srcs) throws IOException {
		return write(srcs, 0, srcs.length);
	}

	@Override
	public int interestOps(int wanted) {
		this.wanted = wanted;
		if (this.handshaking) {
			return this.handshakeOps;
		}
		int ops = wanted;
		if (this.writeNeedsRead && (wanted & SelectionKey.OP_WRITE) != 0) {
			// the socket is writable all along: waiting on it would spin until the peer answers
			ops = (ops & ~SelectionKey.OP_WRITE) | SelectionKey.OP_READ;
		}
		if (this.readNeedsWrite && (wanted & SelectionKey.OP_READ) != 0) {
			ops = (ops & ~SelectionKey.OP_READ) | SelectionKey.OP_WRITE;
		}
		return ops;
	}

	@Override
	public int readyOps(int ready) {
		if (this.handshaking) {
			return handshake(ready);
		}
		int out = ready & ~RW;
		if ((ready & SelectionKey.OP_READ) != 0) {
			out |= this.wanted & SelectionKey.OP_READ;
			if (this.writeNeedsRead) {
				out |= SelectionKey.OP_WRITE;
			}
		}
		if ((ready & SelectionKey.OP_WRITE) != 0) {
			out |= this.wanted & SelectionKey.OP_WRITE;
			if (this.readNeedsWrite) {
				out |= SelectionKey.OP_READ;
			}
		}
		return out;
	}

	/**
	 * Drives the handshake from the selector's readiness, whatever the dispatcher wants: until it
	 * completes, no hook runs and send/recv return 0. Then the dispatcher's wanted operations are
	 * delivered once (a spurious one just returns 0).
	 */
	private int handshake(int ready) {
		try {
			this.tls.handshake();
		}
		catch (NeedsReadException ex) {
			this.handshakeOps = SelectionKey.OP_READ;
			return ready & ~RW;
		}
		catch (NeedsWriteException ex) {
			this.handshakeOps = SelectionKey.OP_WRITE;
			return ready & ~RW;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.handshaking = false;
		// records after the Finished message may already sit in tls-channel's buffer
		this.maybeBuffered = true;
		return (ready & ~RW) | (this.wanted & RW);
	}

	/** Whether the peer said goodbye with close_notify (rather than just closing the socket). */
	public boolean closeNotifyReceived() {
		return this.tls.shutdownReceived();
	}

	/** Whether the handshake has completed. */
	public boolean isHandshakeComplete() {
		return !this.handshaking;
	}

	@Override
	public boolean hasBufferedInput() {
		return this.maybeBuffered;
	}

	@Override
	public boolean isOpen() {
		return this.tls.isOpen();
	}

	/** Sends close_notify (best effort, never blocks) and closes the socket. */
	@Override
	public void close() throws IOException {
		this.tls.close();
	}

	@Override
	public String toString() {
		SSLEngine engine = this.tls.getSslEngine();
		return "TlsTransport[" + (engine.getUseClientMode() ? "client" : "server") + ", "
				+ engine.getHandshakeStatus() + ", " + engine.getSession().getProtocol() + ']';
	}

}
