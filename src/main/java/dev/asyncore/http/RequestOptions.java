package dev.asyncore.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * What a prober needs beyond a plain GET: any method, extra headers, a body, its own TLS material,
 * its own resolver, a fresh connection per fetch, and a report of every hop's timings. Immutable
 * apart from the body array; any thread. Every field may be left out ({@link #NONE}).
 *
 * @param method the request method, or {@code null} for {@link FetchOptions#method()}; a method
 * other than GET or HEAD is never retried on a new connection
 * @param headers sent after the defaults, replacing a default of the same name
 * ({@code User-Agent}, {@code Accept}, {@code Accept-Encoding}); {@code Host} may be replaced too
 * @param body the request body (sent with a {@code Content-Length}), or {@code null}
 * @param sslContext trust and client-certificate material for https, asked for (on the loop thread)
 * only when an https connection opens; {@code null} for the fetcher's
 * @param sslEngineSetup applied to the engine of each https connection the fetch opens, after
 * client mode, hostname verification and SNI are set (to limit the protocol versions, say), or
 * {@code null}
 * @param serverName the name sent as SNI and verified in the certificate instead of the URL's
 * host, or {@code null}
 * @param resolver the look-up for this fetch, or {@code null} for the fetcher's
 * @param freshConnection open a new connection for every hop and close it after, so connect and
 * TLS are measured each time (blackbox_exporter's behaviour)
 * @param hops told about each completed hop, redirects included, or {@code null}
 * @param http2 offer HTTP/2 by ALPN on https connections ({@code h2}, then {@code http/1.1}) and
 * speak it when the server chooses it (through a proxy's tunnel too); plain http is always HTTP/1.1
 * @param localAddress the address each connection binds before it connects (any port), or {@code null}
 * for the system's choice; only with {@code freshConnection}, so that no pooled connection from
 * another address is used
 * @param proxy the HTTP proxy the hops go through, when it says so for their URL, or {@code null} to go
 * direct; a proxied connection is never pooled
 */
public record RequestOptions(String method, List<Map.Entry<String, String>> headers, byte[] body,
		Supplier<SSLContext> sslContext, Consumer<SSLEngine> sslEngineSetup, String serverName, Resolver resolver,
		boolean freshConnection, HopListener hops, boolean http2, InetAddress localAddress, HttpProxy proxy) {

	/** Nothing beyond {@link FetchOptions}: HTTP/2 offered. */
	public static final RequestOptions NONE = new RequestOptions(null, List.of(), null, null, null, null, false, null);

	/** Options that offer HTTP/2. */
	public RequestOptions(String method, List<Map.Entry<String, String>> headers, byte[] body,
			Supplier<SSLContext> sslContext, Consumer<SSLEngine> sslEngineSetup, String serverName, Resolver resolver,
			boolean freshConnection, HopListener hops) {
		this(method, headers, body, sslContext, sslEngineSetup, serverName, resolver, freshConnection, hops, true, null, null);
	}

	/** Options that offer HTTP/2 or not. */
	public RequestOptions(String method, List<Map.Entry<String, String>> headers, byte[] body,
			Supplier<SSLContext> sslContext, Consumer<SSLEngine> sslEngineSetup, String serverName, Resolver resolver,
			boolean freshConnection, HopListener hops, boolean http2) {
		this(method, headers, body, sslContext, sslEngineSetup, serverName, resolver, freshConnection, hops, http2, null, null);
	}

	/** Options without an engine setup. */
	public RequestOptions(String method, List<Map.Entry<String, String>> headers, byte[] body,
			Supplier<SSLContext> sslContext, String serverName, Resolver resolver, boolean freshConnection,
			HopListener hops) {
		this(method, headers, body, sslContext, null, serverName, resolver, freshConnection, hops, true, null, null);
	}

	/** These options, offering HTTP/2 or not. */
	public RequestOptions http2(boolean offer) {
		return new RequestOptions(this.method, this.headers, this.body, this.sslContext, this.sslEngineSetup,
				this.serverName, this.resolver, this.freshConnection, this.hops, offer, this.localAddress, this.proxy);
	}

	/** These options, each connection bound to {@code address} first ({@code null}: the system's choice). */
	public RequestOptions localAddress(InetAddress address) {
		return new RequestOptions(this.method, this.headers, this.body, this.sslContext, this.sslEngineSetup,
				this.serverName, this.resolver, this.freshConnection, this.hops, this.http2, address, this.proxy);
	}

	/** These options through {@code via} ({@code null}: direct). */
	public RequestOptions proxy(HttpProxy via) {
		return new RequestOptions(this.method, this.headers, this.body, this.sslContext, this.sslEngineSetup,
				this.serverName, this.resolver, this.freshConnection, this.hops, this.http2, this.localAddress, via);
	}

	public RequestOptions {
		headers = List.copyOf(headers);
		if (localAddress != null && !freshConnection) {
			throw new IllegalArgumentException("a local address needs freshConnection");
		}
		if (method != null && (method.isEmpty() || !method.chars().allMatch(RequestOptions::isTokenChar))) {
			throw new IllegalArgumentException("method must be an HTTP token, was '" + method + "'");
		}
		if (method != null) {
			method = method.toUpperCase(Locale.ROOT);
		}
		for (Map.Entry<String, String> header : headers) {
			if (header.getKey().isEmpty() || !header.getKey().chars().allMatch(RequestOptions::isTokenChar)) {
				throw new IllegalArgumentException("header name must be an HTTP token, was '" + header.getKey() + "'");
			}
			if (header.getValue().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
				throw new IllegalArgumentException("header " + header.getKey() + " has a line break in its value");
			}
		}
	}

	private static boolean isTokenChar(int c) {
		return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
	}

	/** Whether {@code name} is among {@link #headers()} (case-insensitively). */
	public boolean hasHeader(String name) {
		return this.headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(name));
	}

	/** These options without any header named {@code name} (case-insensitively). */
	public RequestOptions withoutHeader(String name) {
		return new RequestOptions(this.method, this.headers.stream().filter(h -> !h.getKey().equalsIgnoreCase(name)).toList(),
				this.body, this.sslContext, this.sslEngineSetup, this.serverName, this.resolver, this.freshConnection,
				this.hops, this.http2, this.localAddress, this.proxy);
	}

	/** These options with {@code name: value} added (unless a header of that name is there already). */
	public RequestOptions withHeader(String name, String value) {
		if (hasHeader(name)) {
			return this;
		}
		List<Map.Entry<String, String>> more = new java.util.ArrayList<>(this.headers);
		more.add(Map.entry(name, value));
		return new RequestOptions(this.method, more, this.body, this.sslContext, this.sslEngineSetup, this.serverName,
				this.resolver, this.freshConnection, this.hops, this.http2, this.localAddress, this.proxy);
	}

	/** One completed hop of a fetch: what answered and how long each phase took, in nanoseconds. */
	public record Hop(URI uri, InetSocketAddress address, ResponseHead head, boolean https,
			long dnsNanos, long connectNanos, long tlsNanos, long processingNanos, long transferNanos) {
	}

	/** Receives each hop as it completes, on the loop thread; must not block. */
	@FunctionalInterface
	public interface HopListener {

		void hop(Hop hop);

	}

}
