package dev.asyncore.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;

/**
 * One fetch, hop by hop: check the URL, resolve off the loop, check the address, connect to exactly
 * that address (or reuse a pooled connection), send, parse, follow redirects, complete the future.
 * Through a proxy the target is resolved and checked first (unless the proxy is to resolve it), then
 * the proxy's own host is checked, resolved and its address checked too: every hop, every peer.
 * It is its {@link BodySink}'s {@link BodySink.Flow}: while the sink is paused the connection is not
 * read and the end of the body waits. Loop thread only, apart from the resolver task it starts.
 * <p>
 * A fetch's whole life reads here in order (hop, route, connect, send, head, body, redirect, end);
 * the pieces with an idea of their own stand beside it: how a hop goes through its proxy
 * ({@link ProxyLeg}, {@link ProxyTunnel}), the request's bytes ({@link RequestEncoder}), the
 * connection ({@link HttpConnection}).
 */
final class FetchExchange implements ResponseParser.Listener, BodySink.Flow {

	private static final Logger logger = LoggerFactory.getLogger(FetchExchange.class);

	private final Fetcher fetcher;

	private final FetchPolicy policy;

	private final FetchOptions options;

	private final CompletableFuture<FetchResult> future;

	private final List<URI> redirects = new ArrayList<>();

	private final long start = System.nanoTime();

	private final MessageDigest digest;

	private final MemoryBody memory;

	private FetchOptions.Method method;

	/** The method sent: {@link #method}'s name unless {@link RequestOptions#method()} says otherwise. */
	private String methodName;

	private byte[] requestBody;

	private long firstByteAt;

	private URI uri;

	private Target target;

	private HttpConnection connection;

	private TimerHandle totalTimer;

	private ResponseHead head;

	private boolean following;

	/**
	 * Whether this hop goes where the first did, as Go's transport in blackbox_exporter tells (the
	 * first URL's host, an address once resolved): only then is {@link RequestOptions#serverName()} used.
	 */
	private boolean firstHost = true;

	/**
	 * Whether {@link RequestOptions#headers()}' {@code Host} is sent on this hop: on the first, and
	 * after a redirect to a Location without a scheme, as Go's client keeps a caller's Host.
	 */
	private boolean keepHost = true;

	/** Whether the first hop's host is an IP address literal. */
	private boolean firstLiteral;

	/** The address the first hop connected to (the cookie jar's host while on the first host). */
	private InetAddress firstAddress;

	private boolean retried;

	private boolean done;

	/** The sink asked for a pause ({@link BodySink.Flow#pause()}): the connection is not read. */
	private boolean sinkPaused;

	/** The connection whose response ended while the sink was paused: completed on resume. */
	private HttpConnection endedWhilePaused;

	/** Whether this hop was told to {@link RequestOptions#hops()} (on completion, or on a failure in its body). */
	private boolean hopReported;

	private int hop;

	/** How this hop goes through its proxy ({@link RequestOptions#proxy()}), or {@code null}: direct. */
	private ProxyLeg proxy;

	private long dnsNanos;

	private long firstByteNanos;

	private long bodySize;

	FetchExchange(Fetcher fetcher, URI uri, FetchOptions options, CompletableFuture<FetchResult> future) {
		this.fetcher = fetcher;
		this.policy = (options.policy() != null) ? options.policy() : fetcher.policy();
		this.options = options;
		this.method = options.method();
		this.methodName = (options.request().method() != null) ? options.request().method() : this.method.name();
		this.requestBody = options.request().body();
		this.uri = uri;
		this.future = future;
		this.memory = (options.sink() == null) ? new MemoryBody(this.policy.maxBodySize()) : null;
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

	void start() {
		if (this.future.isDone()) {
			return; // cancelled before the loop got to it
		}
		Duration total = this.policy.totalTimeout();
		this.totalTimer = this.fetcher.reactor().schedule(total, () -> fail(new FetchException.Timeout("total",
				"Fetching " + this.uri + " took longer than " + total.toMillis() + " ms (totalTimeout)")));
		this.future.whenComplete((result, error) -> {
			if (this.future.isCancelled()) { // nobody waits any more: the connection and the timer close now
				Reactor reactor = this.fetcher.reactor();
				// the future stays cancelled: this failure only says why the connection closes
				Runnable cancel = () -> fail(new FetchException.Timeout("cancelled", "Fetching " + this.uri + " was cancelled"));
				if (reactor.inLoopThread()) {
					cancel.run();
				}
				else {
					reactor.execute(cancel);
				}
			}
		});
		hop(this.uri);
	}

	private void hop(URI next) {
		this.uri = next;
		this.hop++;
		this.hopReported = false;
		this.dnsNanos = 0;
		this.firstByteNanos = 0;
		try {
			this.target = this.policy.target(next);
			this.firstLiteral = (this.hop == 1) ? this.target.host().isLiteral() : this.firstLiteral;
		}
		catch (FetchException ex) {
			fail(ex);
			return;
		}
		HttpProxy via = this.options.request().proxy();
		if (via != null && via.matchesResolved() && this.hop == 1 && !this.target.host().isLiteral()) {
			// blackbox_exporter puts the address it resolved in the first request's URL: Go's NO_PROXY sees that
			resolve(this.target.host().name(), targetResolver(), true, (address) -> route(via, address));
		}
		else {
			route(via, null);
		}
	}

	/** Through the proxy or direct, as {@code via} decides for the target's name, or for its {@code resolved} address. */
	private void route(HttpProxy via, InetAddress resolved) {
		String host = (resolved != null) ? resolved.getHostAddress() : this.target.host().name();
		URI proxyUri = (via != null) ? via.proxyFor(this.target.https(), host, this.target.port()) : null;
		this.proxy = null;
		if (proxyUri != null) {
			startViaProxy(via, proxyUri, resolved);
			return;
		}
		HttpConnection pooled = this.options.request().freshConnection() ? null
				: this.fetcher.pool().take(this.target.route(), this.policy);
		if (pooled != null) {
			send(pooled);
		}
		else if (resolved != null) {
			connect(resolved);
		}
		else if (this.target.host().isLiteral()) {
			connect(this.target.host().literal());
		}
		else {
			resolve(this.target.host().name(), targetResolver(), true, this::connect);
		}
	}

	private Resolver targetResolver() {
		return Objects.requireNonNullElse(this.options.request().resolver(), this.fetcher.resolver());
	}

	private void startViaProxy(HttpProxy via, URI proxyUri, InetAddress resolved) {
		Target checked;
		try {
			checked = ProxyTunnel.checkedProxy(this.policy, proxyUri);
		}
		catch (FetchException ex) {
			fail(ex);
			return;
		}
		int port = this.target.port();
		if (resolved != null) {
			toProxy(ProxyLeg.of(checked, proxyUri, via, ProxyTunnel.authority(resolved, port)), resolved);
		}
		else if (via.resolveTarget() && !this.target.host().isLiteral()) {
			resolve(this.target.host().name(), targetResolver(), true,
					(address) -> toProxy(ProxyLeg.of(checked, proxyUri, via, ProxyTunnel.authority(address, port)), address));
		}
		else { // a literal was checked with the URL; a name is the proxy's to resolve (skip_resolve_phase_with_proxy)
			toProxy(ProxyLeg.of(checked, proxyUri, via, this.target.host().name() + ':' + port), this.target.host().literal());
		}
	}

	private void toProxy(ProxyLeg leg, InetAddress targetAddress) {
		this.firstAddress = (this.hop == 1) ? targetAddress : this.firstAddress;
		this.proxy = leg;
		Hosts.Host host = leg.proxy().host();
		if (host.isLiteral()) {
			connectProxy(host.literal());
		}
		else {
			resolve(host.name(), this.fetcher.resolver(), false, this::connectProxy);
		}
	}

	private void connectProxy(InetAddress address) {
		open(new InetSocketAddress(address, this.proxy.proxy().port()), true);
	}

	/**
	 * Looks {@code host} up off the loop; on the loop, the first address the policy admits goes to
	 * {@code then}. Only the target's look-up ({@code timed}) is the hop's DNS phase.
	 */
	private void resolve(String host, Resolver resolver, boolean timed, Consumer<InetAddress> then) {
		int current = this.hop;
		long dnsStart = System.nanoTime();
		try {
			this.fetcher.resolverExecutor().execute(() -> {
				InetAddress[] addresses = null;
				UnknownHostException failure = null;
				try {
					addresses = resolver.resolve(host);
				}
				catch (UnknownHostException ex) {
					failure = ex;
				}
				InetAddress[] found = addresses;
				UnknownHostException error = failure;
				try {
					this.fetcher.reactor().execute(() -> resolved(current, timed ? dnsStart : 0, host, found, error, then));
				}
				catch (RejectedExecutionException ex) {
					this.future.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			fail(new FetchException.Dns("Cannot resolve " + host + ": the resolver executor is shut down", ex));
		}
	}

	private void resolved(int forHop, long dnsStart, String host, InetAddress[] addresses, UnknownHostException error,
			Consumer<InetAddress> then) {
		if (this.done || forHop != this.hop) {
			return;
		}
		if (dnsStart != 0) {
			this.dnsNanos = System.nanoTime() - dnsStart;
		}
		if (error != null || addresses == null || addresses.length == 0) {
			fail(new FetchException.Dns("Cannot resolve host " + host + ": "
					+ ((error != null) ? error.getMessage() : "no addresses") + " (check the spelling and DNS)", error));
			return;
		}
		FetchException.Refused refused = null;
		for (InetAddress address : addresses) {
			try {
				// checked here, then connected to exactly this address: no second look-up to race with
				this.policy.checkAddress(host, address);
				then.accept(address);
				return;
			}
			catch (FetchException.Refused ex) {
				refused = (refused != null) ? refused : ex;
			}
		}
		fail(refused);
	}

	private void connect(InetAddress address) {
		if (this.hop == 1) {
			this.firstAddress = address;
		}
		open(new InetSocketAddress(address, this.target.port()), false);
	}

	/** Connects to the target's address, or to the proxy's ({@code viaProxy}). */
	private void open(InetSocketAddress to, boolean viaProxy) {
		String peer = viaProxy ? "proxy " + this.proxy.peer() : this.target.host().name();
		try {
			HttpConnection fresh = new HttpConnection(this.fetcher.reactor(), this.fetcher.pool(), this.target, to,
					this.options.request().localAddress(), this.policy);
			if (viaProxy) {
				fresh.viaProxy(this.proxy.tunnel(this.target.https(), this.policy.maxHeaderBytes()), this.proxy.connectHeaders());
			}
			var context = this.options.request().sslContext();
			fresh.tls((context != null && this.target.https()) ? context.get() : null,
					this.options.request().sslEngineSetup(), this.firstHost ? this.options.request().serverName() : null,
					this.options.request().http2());
			send(fresh);
		}
		catch (IOException | RuntimeException ex) {
			fail(new FetchException.Connect("Cannot connect to " + peer + " (" + to.getAddress().getHostAddress() + "): "
					+ ex.getMessage(), ex));
		}
	}

	private void send(HttpConnection connection) {
		this.connection = connection;
		connection.begin(this, request(), this.methodName.equals("HEAD"), this.policy,
				() -> RequestEncoder.http2Fields(this.methodName, this.target, this.fetcher.userAgent(),
						this.options.request(), this.requestBody),
				this.requestBody);
	}

	private byte[] request() {
		RequestOptions request = this.keepHost ? this.options.request() : this.options.request().withoutHeader("Host");
		CookieJar jar = this.options.cookies();
		String cookies = (jar != null) ? jar.header(cookieHost(), cookiePath(), this.target.https()) : null;
		Target wire = this.target;
		if (this.proxy != null && !this.target.https()) {
			// absolute form (RFC 9112 3.2.2), naming the address that was checked unless the proxy resolves
			wire = this.target.absoluteForm(this.proxy.authority());
			request = this.proxy.authorize(request);
		}
		return RequestEncoder.encode(this.methodName, wire, this.fetcher.userAgent(), request, this.requestBody,
				cookies);
	}

	/**
	 * The host the cookie jar sees: on the first host the address it resolved to, as blackbox_exporter
	 * puts that in the URL its jar reads (so a cookie of the first host is sent on its relative
	 * redirects only); elsewhere the URL's host.
	 */
	private String cookieHost() {
		String name = this.target.host().name();
		if (this.firstHost && this.firstAddress != null) {
			name = this.firstAddress.getHostAddress();
		}
		return (name.startsWith("[") ? name.substring(1, name.length() - 1) : name).toLowerCase(Locale.ROOT);
	}

	private String cookiePath() {
		String path = this.uri.getRawPath();
		return (path == null || path.isEmpty()) ? "/" : path;
	}

	void firstByte() {
		this.firstByteAt = System.nanoTime();
		long requestStart = this.connection.requestStartNanos();
		this.firstByteNanos = (requestStart != 0) ? System.nanoTime() - requestStart : 0;
	}

	@Override
	public void onHead(ResponseHead response) throws IOException {
		this.head = response;
		if (this.options.cookies() != null) {
			this.options.cookies().store(cookieHost(), cookiePath(), response.headers().allValues("Set-Cookie"));
		}
		this.following = isRedirect(response.status()) && response.headers().firstValue("Location").isPresent()
				&& this.policy.maxRedirects() > 0;
		if (this.memory != null && !this.following) {
			this.memory.expect(response);
		}
		if (this.options.sink() != null && !this.following) {
			this.options.sink().open(response, this);
		}
		if (this.following && this.redirects.size() >= this.policy.maxRedirects()) {
			String loop = this.redirects.contains(this.uri) ? " (a redirect loop)" : "";
			throw new FetchException.TooManyRedirects("More than " + this.policy.maxRedirects() + " redirects"
					+ loop + ", the last from " + this.uri + " to " + response.headers().firstValue("Location").get());
		}
	}

	private static boolean isRedirect(int status) {
		return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
	}

	@Override
	public void onBody(ByteBuffer data) throws IOException {
		if (this.following) {
			return; // a redirect's body is read to keep the connection usable, then dropped
		}
		this.bodySize += data.remaining();
		int position = data.position();
		this.digest.update(data);
		data.position(position);
		if (this.memory != null) {
			this.memory.write(data);
		}
		else {
			this.options.sink().write(data);
		}
	}

	void responseComplete(HttpConnection from) {
		if (this.done) {
			return;
		}
		if (this.sinkPaused && !this.following) {
			this.endedWhilePaused = from; // the sink still works on the body: it ends when the sink resumes
			return;
		}
		if (!this.hopReported) { // reported already when the sink paused in complete() for the body's tail
			reportHop(from);
			if (this.following) {
				followRedirect(from);
				return;
			}
		}
		try {
			if (this.options.sink() != null) {
				this.options.sink().complete();
			}
			if (this.sinkPaused) {
				// the sink works on the body's tail over more passes (a decoder): complete() again on resume
				this.endedWhilePaused = from;
				return;
			}
		}
		catch (FetchException ex) {
			fail(ex);
			return;
		}
		catch (IOException ex) {
			fail(new FetchException.Protocol("The body sink failed: " + ex.getMessage(), ex));
			return;
		}
		this.done = true;
		this.connection = null;
		this.totalTimer.cancel();
		long now = System.nanoTime();
		FetchResult.Timings timings = new FetchResult.Timings(Duration.ofNanos(this.dnsNanos),
				Duration.ofNanos(from.connectNanos()), Duration.ofNanos(from.tlsNanos()),
				Duration.ofNanos(this.firstByteNanos), Duration.ofNanos(now - this.start));
		byte[] body = (this.memory != null) ? this.memory.toArray() : new byte[0];
		this.future.complete(new FetchResult(this.uri, this.head.status(), this.head.reason(), this.head.headers(),
				body, this.bodySize, HexFormat.of().formatHex(this.digest.digest()), this.redirects, timings,
				from.address(), from.isReused(), from.peerCertificateNotAfter(), this.head.version()));
	}

	private void reportHop(HttpConnection from) {
		this.hopReported = true;
		RequestOptions extra = this.options.request();
		if (extra.freshConnection()) {
			from.close();
		}
		if (extra.hops() == null) {
			return;
		}
		long requestStart = from.requestStartNanos();
		long now = System.nanoTime();
		long firstAt = (this.firstByteAt != 0) ? this.firstByteAt : now;
		extra.hops().hop(new RequestOptions.Hop(this.uri, from.address(), this.head, this.target.https(),
				this.dnsNanos, from.connectNanos(), from.tlsNanos(),
				(requestStart != 0) ? Math.max(0, firstAt - requestStart) : 0, now - firstAt));
	}

	private void followRedirect(HttpConnection from) {
		String location = this.head.headers().firstValue("Location").orElseThrow();
		URI next;
		try {
			next = UriReference.resolve(this.uri, location.strip());
		}
		catch (IllegalArgumentException | URISyntaxException ex) {
			fail(new FetchException.Protocol("Redirect from " + this.uri + " to an invalid URL '"
					+ HttpSyntax.printable(location) + "'", ex));
			return;
		}
		if (UriReference.hasAuthority(location.strip())) {
			// the first URL's host is the address it resolved to: only a literal one can be named again
			URI first = this.redirects.isEmpty() ? this.uri : this.redirects.get(0);
			this.firstHost = this.firstLiteral && Objects.equals(next.getRawAuthority(), first.getRawAuthority());
		}
		this.keepHost = !UriReference.hasScheme(location.strip());
		this.redirects.add(this.uri);
		this.connection = null;
		int status = this.head.status();
		boolean safe = this.methodName.equals("GET") || this.methodName.equals("HEAD");
		if ((status == 303 && !this.methodName.equals("HEAD")) || (!safe && (status == 301 || status == 302))) {
			// as browsers and Go's client do: the redirected request is a GET without the body
			this.method = FetchOptions.Method.GET;
			this.methodName = "GET";
			this.requestBody = null;
		}
		this.firstByteAt = 0;
		this.retried = false;
		logger.debug("Following {} from {} to {}", this.head.status(), this.uri, next);
		hop(next);
	}

	void connectionFailed(HttpConnection from, FetchException failure, boolean retryable) {
		if (this.done || from != this.connection) {
			return;
		}
		boolean idempotent = this.requestBody == null
				&& (this.methodName.equals("GET") || this.methodName.equals("HEAD"));
		if (retryable && !this.retried && idempotent) {
			// a pooled connection the server had closed: GET and HEAD are safe to send again
			this.retried = true;
			logger.debug("Retrying {} on a new connection after {}", this.uri, failure.getMessage());
			if (this.memory != null) {
				this.memory.reset();
			}
			connect(from.address().getAddress());
			return;
		}
		fail(failure);
	}

	/** Something neither the policy nor the parser classified: still completes the future. */
	void unexpected(Throwable error) {
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		fail(new FetchException.Protocol("Fetching " + this.uri + " failed unexpectedly: " + cause, cause));
	}

	/** Whether the sink paused reading; the connection asks before each read. */
	boolean readingPaused() {
		return this.sinkPaused;
	}

	@Override
	public void pause() {
		if (!this.done && !this.sinkPaused) {
			this.sinkPaused = true;
			if (this.connection != null) {
				this.connection.updateInterest();
			}
		}
	}

	@Override
	public void resume() {
		if (this.done || !this.sinkPaused) {
			return;
		}
		this.sinkPaused = false;
		HttpConnection ended = this.endedWhilePaused;
		if (ended != null) {
			this.endedWhilePaused = null;
			responseComplete(ended);
		}
		else if (this.connection != null) {
			this.connection.resumeReading();
		}
	}

	@Override
	public void fail(FetchException failure) {
		if (this.done) {
			return;
		}
		boolean last = !this.following || failure instanceof FetchException.TooManyRedirects;
		if (this.head != null && last && !this.hopReported && this.connection != null) {
			// the final response failed in its body, or was a redirect past the limit (Go's client
			// returns that one with its error): its head and timings still tell what answered
			reportHop(this.connection);
		}
		this.done = true;
		if (this.totalTimer != null) {
			this.totalTimer.cancel();
		}
		if (this.connection != null) {
			this.connection.abort(this, failure);
		}
		if (this.options.sink() != null) {
			this.options.sink().abort();
		}
		this.future.completeExceptionally(failure);
	}

}
