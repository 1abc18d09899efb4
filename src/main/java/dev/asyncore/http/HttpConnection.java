package dev.asyncore.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.Terminator;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.tls.TlsTransport;

/**
 * One client connection (HTTP, or HTTPS through {@link TlsTransport}) carrying requests one at a
 * time for {@link FetchExchange}s, and idling in the {@link ConnectionPool} between them. Framing is
 * {@link AsyncChat}'s: the {@link ResponseParser} says which terminator comes next.
 *
 * <p>Loop thread only. Timeouts: connect (a reactor timer), read-idle (the dispatcher's idle
 * timeout while a request is outstanding), keep-alive idle (the same timer while pooled).
 */
final class HttpConnection extends AsyncChat {

	private final ConnectionPool pool;

	private final Target target;

	private final InetSocketAddress address;

	private final ResponseParser parser;

	/** The policy of the request in flight (a pooled connection serves fetches with other policies). */
	private FetchPolicy policy;

	private FetchExchange exchange;

	private TimerHandle connectTimer;

	private boolean tcpConnected;

	private boolean reused;

	private boolean firstByteSeen;

	private long connectStart;

	private long connectedAt;

	private long writableAt;

	private long requestStart;

	/** A fetch's own TLS material and server name (a prober's {@code tls_config}), or {@code null}. */
	private SSLContext sslContext;

	private Consumer<SSLEngine> sslEngineSetup;

	private String serverName;

	HttpConnection(Reactor reactor, ConnectionPool pool, Target target, InetSocketAddress address, FetchPolicy policy)
			throws IOException {
		super(reactor);
		this.pool = pool;
		this.target = target;
		this.address = address;
		this.policy = policy;
		this.parser = new ResponseParser(policy.maxHeaderBytes(), policy.maxBodySize());
		setSocket(SocketChannel.open((address.getAddress() instanceof Inet6Address) ? StandardProtocolFamily.INET6
				: StandardProtocolFamily.INET));
		this.connectStart = System.nanoTime();
		this.connectTimer = reactor.schedule(policy.connectTimeout(), this::connectTimedOut);
		try {
			connect(address);
		}
		catch (IOException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	String route() {
		return this.target.route();
	}

	InetSocketAddress address() {
		return this.address;
	}

	/**
	 * Uses {@code context}, {@code engineSetup} and {@code name} (each if not null) for this
	 * connection's TLS; before it connects.
	 */
	void tls(SSLContext context, Consumer<SSLEngine> engineSetup, String name) {
		this.sslContext = context;
		this.sslEngineSetup = engineSetup;
		this.serverName = name;
	}

	boolean isReused() {
		return this.reused;
	}

	/** Sends {@code request} for {@code exchange}; the response is parsed as it arrives. */
	void begin(FetchExchange exchange, byte[] request, boolean headRequest, FetchPolicy fetchPolicy) {
		this.exchange = exchange;
		this.policy = fetchPolicy;
		this.firstByteSeen = false;
		this.parser.limits(fetchPolicy.maxHeaderBytes(), fetchPolicy.maxBodySize());
		this.parser.start(headRequest, exchange);
		setTerminator(this.parser.terminator());
		this.requestStart = 0;
		if (this.tcpConnected) {
			this.reused = true;
			this.requestStart = System.nanoTime();
			setIdleTimeout(fetchPolicy.readTimeout());
		}
		push(request);
	}

	@Override
	protected void handleConnect() {
		this.connectTimer.cancel();
		this.tcpConnected = true;
		this.connectedAt = System.nanoTime();
		if (this.target.https()) {
			setTransport(TlsTransport.client((SocketChannel) channel(),
					(this.sslContext != null) ? this.sslContext : this.pool.sslContext(),
					(this.serverName != null) ? this.serverName : this.target.host().name(), this.target.port(),
					this.sslEngineSetup));
		}
		setIdleTimeout(this.policy.readTimeout());
	}

	@Override
	protected void initiateSend() {
		super.initiateSend();
		if (this.requestStart == 0 && bytesSent() > 0) {
			// for https the first byte written means the handshake finished
			this.requestStart = System.nanoTime();
			if (this.writableAt == 0) {
				this.writableAt = this.requestStart;
			}
		}
	}

	/** Phase durations of the first request on this connection, in nanoseconds: connect, tls. */
	long connectNanos() {
		return this.reused ? 0 : this.connectedAt - this.connectStart;
	}

	long tlsNanos() {
		return (this.reused || !this.target.https()) ? 0 : this.writableAt - this.connectedAt;
	}

	/** For https, when the server's leaf certificate expires; {@code null} for http or before the handshake. */
	Instant peerCertificateNotAfter() {
		if (!(transport() instanceof TlsTransport tls) || !tls.isHandshakeComplete()) {
			return null;
		}
		try {
			Certificate[] chain = tls.engine().getSession().getPeerCertificates();
			return (chain.length > 0 && chain[0] instanceof X509Certificate leaf) ? leaf.getNotAfter().toInstant() : null;
		}
		catch (SSLPeerUnverifiedException ex) {
			return null; // an anonymous cipher suite: there is no certificate to report
		}
	}

	/** When the current request started to be written (System.nanoTime), or 0. */
	long requestStartNanos() {
		return this.requestStart;
	}

	/** Not while the exchange's body sink has paused reading (it works on what it was given). */
	@Override
	public boolean readable() {
		return super.readable() && (this.exchange == null || !this.exchange.readingPaused());
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		if (this.exchange == null) {
			close(); // an idle connection must not talk: it cannot be reused safely
			return;
		}
		if (!this.firstByteSeen) {
			this.firstByteSeen = true;
			this.exchange.firstByte();
		}
		this.parser.collectIncomingData(data);
	}

	@Override
	protected void foundTerminator() throws IOException {
		if (this.exchange == null) {
			return;
		}
		this.parser.foundTerminator();
		if (this.parser.isDone()) {
			complete();
		}
		else {
			setTerminator(this.parser.terminator());
		}
	}

	private void complete() {
		FetchExchange done = this.exchange;
		this.exchange = null;
		setTerminator(Terminator.NONE);
		setIdleTimeout(null);
		// a server may answer before reading the whole request: unsent bytes make the connection unusable;
		// an exchange whose sink still works on the body reads this connection's timings when it ends
		if (this.parser.keepAlive() && !isClosed() && !isInputShutdown() && !writable() && !done.readingPaused()) {
			this.pool.release(this);
		}
		else {
			close();
		}
		try {
			done.responseComplete(this);
		}
		catch (RuntimeException ex) {
			// the next hop failed to start (say, a write on a pooled connection): it is that fetch's failure
			done.unexpected(ex);
		}
	}

	@Override
	protected void handleClose() {
		FetchExchange current = this.exchange;
		if (current == null) {
			close();
			return;
		}
		if (this.target.https() && this.writableAt == 0 && this.tcpConnected) {
			fail(new FetchException.Tls("TLS handshake with " + describe()
					+ " failed: the server closed the connection (does it speak TLS on this port?)", null), false);
			return;
		}
		try {
			this.parser.endOfInput();
			complete();
		}
		catch (FetchException ex) {
			boolean retryable = this.reused && !this.parser.sawBytes();
			fail(ex, retryable);
		}
	}

	@Override
	protected void handleError(Throwable error) {
		fail(classify(error), false);
	}

	@Override
	protected void handleTimeout() {
		if (this.exchange == null) {
			close();
			return;
		}
		fail(new FetchException.Timeout("read", "No data from " + describe() + " for " + seconds(this.policy.readTimeout())
				+ " (readTimeout)"), false);
	}

	private void connectTimedOut() {
		fail(new FetchException.Timeout("connect", "Connecting to " + describe() + " took longer than "
				+ seconds(this.policy.connectTimeout()) + " (connectTimeout)"), false);
	}

	/** Fails the request of {@code owner} if it is still the one in flight here (not a later one). */
	void abort(FetchExchange owner, FetchException failure) {
		if (this.exchange == owner) {
			fail(failure, false);
		}
	}

	/** Closes and reports {@code failure} to the exchange in flight, if any. */
	void fail(FetchException failure, boolean retryable) {
		FetchExchange current = this.exchange;
		this.exchange = null;
		close();
		if (current != null) {
			current.connectionFailed(this, failure, retryable);
		}
	}

	@Override
	public void close() {
		super.close();
		if (this.connectTimer != null) {
			this.connectTimer.cancel();
		}
		this.pool.remove(this);
	}

	private FetchException classify(Throwable error) {
		if (error instanceof FetchException fetch) {
			return fetch;
		}
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		if (!this.tcpConnected) {
			return new FetchException.Connect("Cannot connect to " + describe() + ": " + cause.getMessage(), cause);
		}
		for (Throwable t = cause; t != null; t = t.getCause()) {
			if (t instanceof SSLException ssl) {
				return new FetchException.Tls(tlsAdvice(ssl), ssl);
			}
		}
		return new FetchException.Protocol("I/O error with " + describe() + ": " + cause, cause);
	}

	private String tlsAdvice(SSLException ssl) {
		String message = String.valueOf(ssl.getMessage());
		String hint = "";
		if (message.contains("PKIX") || message.contains("certification path")) {
			hint = " (the server's certificate is not signed by a trusted authority)";
		}
		else if (message.contains("subject alternative") || message.contains("No name matching")) {
			hint = " (the certificate is not valid for host " + this.target.host().name() + ")";
		}
		return "TLS handshake with " + describe() + " failed: " + message + hint;
	}

	private String describe() {
		return this.target.host().name() + " (" + this.address.getAddress().getHostAddress() + ":"
				+ this.address.getPort() + ")";
	}

	private static String seconds(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", route=").append(route()).append(", ").append((this.exchange != null) ? "busy" : "idle");
	}

}
