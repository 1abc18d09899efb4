package dev.asyncore.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.Terminator;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.http.h2.Http2Exception;
import dev.asyncore.http.h2.Http2Session;
import dev.asyncore.tls.TlsTransport;

/**
 * One client connection (HTTP, or HTTPS through {@link TlsTransport}) carrying requests one at a
 * time for {@link FetchExchange}s, and idling in the {@link ConnectionPool} between them. Framing is
 * {@link AsyncChat}'s: the {@link ResponseParser} says which terminator comes next.
 *
 * <p>HTTPS connections may offer HTTP/2 by ALPN ({@code h2}, then {@code http/1.1}): the request
 * waits for the handshake, then goes out as HTTP/1.1 or, when the server chose {@code h2}, through
 * an {@link Http2Session} (one request per connection: an HTTP/2 connection is never pooled).
 *
 * <p>Through an HTTP proxy ({@link #viaProxy}) the connection is to the proxy: an http request goes
 * in absolute form, an https one through a {@link ProxyTunnel} and then TLS (and ALPN) to the target
 * inside it. A proxied connection is never pooled.
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

	private boolean offerHttp2;

	/** A request held until ALPN has chosen the protocol; {@code null} once sent. */
	private byte[] pendingRequest;

	private Supplier<List<Map.Entry<String, String>>> pendingFields;

	private byte[] pendingBody;

	private boolean headRequest;

	private Http2Session http2;

	/** Whether this connection goes to a proxy, not to the target. */
	private boolean proxied;

	/** The CONNECT in progress (its answer not yet read), or {@code null}. */
	private ProxyTunnel tunnel;

	private List<Map.Entry<String, String>> connectHeaders = List.of();

	/** When TLS started: the TCP connect, or the tunnel's opening through a proxy. */
	private long tlsStartAt;

	/** Bytes sent before TLS (a CONNECT): a request starts when more than these went out. */
	private long sentBeforeRequest;

	/** @param local the address to bind before connecting, or {@code null} */
	HttpConnection(Reactor reactor, ConnectionPool pool, Target target, InetSocketAddress address, InetAddress local,
			FetchPolicy policy) throws IOException {
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
			if (local != null) {
				bind(new InetSocketAddress(local, 0));
			}
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
	void tls(SSLContext context, Consumer<SSLEngine> engineSetup, String name, boolean http2) {
		this.sslContext = context;
		this.sslEngineSetup = engineSetup;
		this.serverName = name;
		this.offerHttp2 = http2 && this.target.https();
	}



	/**
	 * Makes this a connection to a proxy (the address it connects to) for the target: for https,
	 * {@code tunnel}'s CONNECT with {@code headers} goes first; for http {@code tunnel} is {@code null}.
	 * Before it connects.
	 */
	void viaProxy(ProxyTunnel connect, List<Map.Entry<String, String>> headers) {
		this.proxied = true;
		this.tunnel = connect;
		this.connectHeaders = List.copyOf(headers);
	}

	boolean isReused() {
		return this.reused;
	}

	/**
	 * Sends {@code request} for {@code exchange}; the response is parsed as it arrives. A connection
	 * that offers HTTP/2 holds the request until ALPN chose, and then may send {@code http2Fields}
	 * and {@code body} as HTTP/2 instead.
	 */
	void begin(FetchExchange exchange, byte[] request, boolean headRequest, FetchPolicy fetchPolicy,
			Supplier<List<Map.Entry<String, String>>> http2Fields, byte[] body) {
		this.exchange = exchange;
		this.policy = fetchPolicy;
		this.headRequest = headRequest;
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
		if ((this.offerHttp2 || this.tunnel != null) && !this.tcpConnected) {
			this.pendingRequest = request;
			this.pendingFields = http2Fields;
			this.pendingBody = body;
			updateInterest();
			return;
		}
		push(request);
	}

	/**
	 * A held request makes the connection writable: the first writability after the handshake sends it
	 * (not while a proxy has yet to answer the CONNECT: there is nothing to write then).
	 */
	@Override
	public boolean writable() {
		return super.writable() || (this.pendingRequest != null && this.tunnel == null);
	}

	@Override
	protected void handleWrite() {
		chooseProtocol();
		super.handleWrite();
	}

	/** The server may speak first after the handshake (its SETTINGS): the protocol is chosen before reading it. */
	@Override
	protected void handleRead() throws IOException {
		chooseProtocol();
		super.handleRead();
	}

	private void chooseProtocol() {
		if (this.pendingRequest != null && transport() instanceof TlsTransport tls && tls.isHandshakeComplete()) {
			sendPending("h2".equals(tls.engine().getApplicationProtocol()));
		}
	}

	private void sendPending(boolean useHttp2) {
		byte[] request = this.pendingRequest;
		this.pendingRequest = null;
		if (!useHttp2) {
			push(request);
			return;
		}
		FetchExchange current = this.exchange;
		this.http2 = new Http2Session(this::push, new Http2Response(current, this.policy.maxBodySize(), this.headRequest,
				this::complete),
				this.policy.maxHeaderBytes());
		try {
			this.http2.start(this.pendingFields.get(), this.pendingBody);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.pendingBody = null;
		setTerminator(this.http2.terminator());
	}

	@Override
	protected void handleConnect() {
		this.connectTimer.cancel();
		this.tcpConnected = true;
		this.connectedAt = System.nanoTime();
		this.tlsStartAt = this.connectedAt;
		setIdleTimeout(this.policy.readTimeout());
		if (this.tunnel != null) {
			push(this.tunnel.request(this.connectHeaders));
			setTerminator(ProxyTunnel.END_OF_HEAD);
			return;
		}
		if (this.target.https()) {
			startTls();
		}
	}

	private void startTls() {
		Consumer<SSLEngine> setup = this.sslEngineSetup;
		if (this.offerHttp2) {
			Consumer<SSLEngine> alpn = HttpConnection::offerHttp2;
			setup = (setup != null) ? alpn.andThen(setup) : alpn;
		}
		setTransport(TlsTransport.client((SocketChannel) channel(),
				(this.sslContext != null) ? this.sslContext : this.pool.sslContext(),
				(this.serverName != null) ? this.serverName : this.target.host().name(), this.target.port(), setup));
	}

	/** The proxy answered the CONNECT: TLS to the target starts inside the tunnel. */
	private void tunnelOpened() throws FetchException {
		ProxyTunnel opening = this.tunnel;
		opening.opened();
		this.tunnel = null;
		this.tlsStartAt = System.nanoTime();
		this.sentBeforeRequest = bytesSent();
		setTerminator(this.parser.terminator());
		startTls();
	}

	@Override
	protected void initiateSend() {
		super.initiateSend();
		if (this.requestStart == 0 && this.tunnel == null && bytesSent() > this.sentBeforeRequest) {
			// for https the first byte written means the handshake finished
			this.requestStart = System.nanoTime();
			if (this.writableAt == 0) {
				this.writableAt = this.requestStart;
			}
		}
	}

	private static void offerHttp2(SSLEngine engine) {
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setApplicationProtocols(new String[] { "h2", "http/1.1" });
		engine.setSSLParameters(parameters);
	}

	/** Phase durations of the first request on this connection, in nanoseconds: connect, tls. */
	long connectNanos() {
		return this.reused ? 0 : this.connectedAt - this.connectStart;
	}

	long tlsNanos() {
		return (this.reused || !this.target.https()) ? 0 : this.writableAt - this.tlsStartAt;
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
		if (this.tunnel != null) {
			this.tunnel.collect(data);
			return;
		}
		if (this.http2 != null) {
			this.http2.collectIncomingData(data); // the first byte is the response's HEADERS, not the server's SETTINGS
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
		if (this.tunnel != null) {
			tunnelOpened();
			return;
		}
		if (this.http2 != null) {
			http2FoundTerminator();
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

	private void http2FoundTerminator() throws IOException {
		try {
			this.http2.foundTerminator();
		}
		catch (Http2Exception ex) {
			initiateSend(); // the GOAWAY or RST_STREAM, best effort: the connection closes now
			fail(new FetchException.Protocol((ex.sentByPeer() ? "HTTP/2: " : "") + ex.getMessage() + " (from "
					+ describe() + ")", ex), false);
			return;
		}
		if (this.exchange != null && !isClosed()) {
			setTerminator(this.http2.terminator());
		}
	}

	private void complete() {
		FetchExchange done = this.exchange;
		this.exchange = null;
		setTerminator(Terminator.NONE);
		setIdleTimeout(null);
		// a server may answer before reading the whole request: unsent bytes make the connection unusable;
		// an exchange whose sink still works on the body reads this connection's timings when it ends
		if (this.http2 == null && !this.proxied && this.parser.keepAlive() && !isClosed() && !isInputShutdown() && !writable() && !done.readingPaused()) {
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
		if (this.tunnel != null && this.tcpConnected) {
			fail(new FetchException.Connect("Proxy " + describe() + " closed the connection before it answered CONNECT "
					+ this.tunnel.authority(), null), false);
			return;
		}
		if (this.target.https() && this.writableAt == 0 && this.tcpConnected) {
			fail(new FetchException.Tls("TLS handshake with " + describe()
					+ " failed: the server closed the connection (does it speak TLS on this port?)", null), false);
			return;
		}
		if (this.http2 != null) {
			fail(new FetchException.Protocol("The HTTP/2 connection to " + describe()
					+ " closed before the response ended", null), false);
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
		String peer = this.address.getAddress().getHostAddress() + ":" + this.address.getPort();
		return this.proxied ? this.target.host().name() + " via proxy " + peer : this.target.host().name() + " (" + peer + ")";
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
