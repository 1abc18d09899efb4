package dev.asyncore.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which HTTP proxy a fetch goes through, as Go decides it: one proxy for every URL
 * ({@code http.ProxyURL}), or a proxy for http and one for https with a {@code NO_PROXY} list
 * ({@code golang.org/x/net/http/httpproxy}, also how {@code HTTP_PROXY}, {@code HTTPS_PROXY} and
 * {@code NO_PROXY} are read). With a list, {@code localhost} and loopback addresses always go
 * direct, as in Go. https URLs go through {@code CONNECT host:port} with {@link #connectHeaders()},
 * http URLs in absolute form. Immutable; any thread.
 *
 * @param httpProxy the proxy for http URLs, or {@code null} for none
 * @param httpsProxy the proxy for https URLs, or {@code null} for none
 * @param noProxy Go's {@code NO_PROXY} text (comma-separated names, {@code .suffix}, {@code *.suffix},
 * IP addresses, CIDR ranges, each optionally with {@code :port}; {@code *} for all), or {@code null} to
 * proxy every URL, loopback included ({@code http.ProxyURL})
 * @param connectHeaders sent with each {@code CONNECT}
 * @param resolveTarget resolve the target here, check its address with the fetch policy and name that
 * address to the proxy (blackbox_exporter's default); {@code false} names the host and leaves its
 * look-up to the proxy ({@code skip_resolve_phase_with_proxy})
 * @param firstByAddress with {@code resolveTarget} and a {@code NO_PROXY} list, choose the first
 * request's proxy for the address its host resolved to ({@link #matchesResolved()})
 */
public record HttpProxy(URI httpProxy, URI httpsProxy, String noProxy, List<Map.Entry<String, String>> connectHeaders,
		boolean resolveTarget, boolean firstByAddress) {

	public HttpProxy {
		connectHeaders = List.copyOf(connectHeaders);
	}

	/** {@code proxy} for every URL when {@code noProxy} is empty, else with Go's {@code NO_PROXY} rules. */
	public static HttpProxy of(URI proxy, String noProxy, List<Map.Entry<String, String>> connectHeaders,
			boolean resolveTarget) {
		return new HttpProxy(proxy, proxy, (noProxy == null || noProxy.isEmpty()) ? null : noProxy, connectHeaders,
				resolveTarget, false);
	}

	/**
	 * Go's {@code httpproxy.FromEnvironment}: {@code HTTP_PROXY}, {@code HTTPS_PROXY} and
	 * {@code NO_PROXY}, upper case first, then lower case; {@code HTTP_PROXY} is ignored under CGI
	 * ({@code REQUEST_METHOD} set); a proxy without a scheme is {@code http://}.
	 * @throws IllegalArgumentException when a proxy variable is not a URL
	 */
	public static HttpProxy fromEnvironment(Map<String, String> env, List<Map.Entry<String, String>> connectHeaders,
			boolean resolveTarget) {
		String http = env.containsKey("REQUEST_METHOD") && !env.get("REQUEST_METHOD").isEmpty() ? null
				: either(env, "HTTP_PROXY", "http_proxy");
		String noProxy = either(env, "NO_PROXY", "no_proxy");
		return new HttpProxy(url(http), url(either(env, "HTTPS_PROXY", "https_proxy")), (noProxy != null) ? noProxy : "",
				connectHeaders, resolveTarget, false);
	}

	private static String either(Map<String, String> env, String upper, String lower) {
		String value = env.get(upper);
		value = (value == null || value.isEmpty()) ? env.get(lower) : value;
		return (value == null || value.isEmpty()) ? null : value;
	}

	private static URI url(String text) {
		if (text == null) {
			return null;
		}
		try {
			URI uri = null;
			try {
				uri = new URI(text);
			}
			catch (URISyntaxException ex) {
				// "127.0.0.1:3128" is no URI with a scheme: tried as http:// below
			}
			String scheme = (uri != null && uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (uri == null || uri.getHost() == null || !List.of("http", "https", "socks5", "socks5h").contains(scheme)) {
				uri = new URI("http://" + text); // as Go: "proxy.example:3128" is an http proxy
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("invalid proxy address " + text + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * This proxy choosing the first request's proxy for the address its host resolved to, as
	 * blackbox_exporter's http prober puts that address in the URL Go's proxy function reads.
	 */
	public HttpProxy firstRequestByAddress() {
		return new HttpProxy(this.httpProxy, this.httpsProxy, this.noProxy, this.connectHeaders, this.resolveTarget, true);
	}

	/** Whether the first request's proxy is chosen for its resolved address: {@link #firstByAddress()} with a list to match. */
	public boolean matchesResolved() {
		return this.firstByAddress && this.resolveTarget && this.noProxy != null;
	}

	/** The proxy for a URL with this scheme, host (a name or IP literal, brackets allowed) and port, or {@code null} to go direct. */
	public URI proxyFor(boolean https, String host, int port) {
		URI proxy = https ? this.httpsProxy : this.httpProxy;
		if (proxy == null || this.noProxy == null) {
			return proxy;
		}
		String name = host.toLowerCase(Locale.ROOT);
		name = (name.startsWith("[") && name.endsWith("]")) ? name.substring(1, name.length() - 1) : name;
		InetAddress ip = literal(name);
		if (name.equals("localhost") || (ip != null && ip.isLoopbackAddress())) {
			return null;
		}
		for (String raw : this.noProxy.split(",")) {
			String entry = raw.strip().toLowerCase(Locale.ROOT);
			if (entry.equals("*")) {
				return null;
			}
			if (!entry.isEmpty() && matches(entry, name, ip, port)) {
				return null;
			}
		}
		return proxy;
	}

	private static boolean matches(String entry, String host, InetAddress ip, int port) {
		int slash = entry.indexOf('/');
		if (slash > 0) {
			return ip != null && inCidr(ip, entry.substring(0, slash), entry.substring(slash + 1));
		}
		String entryHost = entry;
		String entryPort = "";
		int colon = entry.lastIndexOf(':');
		boolean bracketed = entry.startsWith("[");
		if (colon > 0 && (bracketed ? entry.indexOf(']') == colon - 1 : entry.indexOf(':') == colon)) {
			entryHost = entry.substring(0, colon);
			entryPort = entry.substring(colon + 1);
		}
		entryHost = bracketed && entryHost.endsWith("]") ? entryHost.substring(1, entryHost.length() - 1) : entryHost;
		boolean portMatches = entryPort.isEmpty() || entryPort.equals(Integer.toString(port));
		InetAddress entryIp = literal(entryHost);
		if (entryIp != null) {
			return ip != null && entryIp.equals(ip) && portMatches;
		}
		if (entryHost.startsWith("*.")) {
			entryHost = entryHost.substring(1);
		}
		boolean matchHost = !entryHost.startsWith(".");
		String suffix = matchHost ? "." + entryHost : entryHost;
		return (host.endsWith(suffix) || (matchHost && host.equals(entryHost))) && portMatches;
	}

	private static boolean inCidr(InetAddress ip, String network, String bits) {
		InetAddress base = literal(network);
		if (base == null || !bits.chars().allMatch(Character::isDigit) || bits.isEmpty() || bits.length() > 3) {
			return false;
		}
		byte[] a = ip.getAddress();
		byte[] b = base.getAddress();
		int prefix = Integer.parseInt(bits);
		if (a.length != b.length || prefix > a.length * 8) {
			return false;
		}
		for (int i = 0; i < prefix; i++) {
			int mask = 0x80 >>> (i % 8);
			if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
				return false;
			}
		}
		return true;
	}

	/** An IP literal without a look-up, or {@code null} for a name. */
	private static InetAddress literal(String host) {
		try {
			return Hosts.parse((host.indexOf(':') >= 0) ? "[" + host + "]" : host).literal();
		}
		catch (FetchException.InvalidUrl | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * {@code Proxy-Authorization} for the user and password of a proxy URL ({@code http://user:pass@proxy}),
	 * as Go sends it, or {@code null}.
	 */
	static String authorization(URI proxy) {
		String user = proxy.getRawUserInfo();
		if (user == null) {
			return null;
		}
		String decoded = java.net.URLDecoder.decode(user.replace("+", "%2B"), StandardCharsets.UTF_8);
		return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
	}

	/** The proxy URL without its user and password: the URL the fetch policy checks. */
	static URI withoutUser(URI proxy) throws FetchException.InvalidUrl {
		try {
			return new URI(proxy.getScheme(), null, proxy.getHost(), proxy.getPort(), null, null, null);
		}
		catch (URISyntaxException ex) {
			throw new FetchException.InvalidUrl("Proxy URL " + proxy + " is not valid: " + ex.getMessage());
		}
	}

	@Override
	public String toString() {
		List<String> parts = new ArrayList<>();
		parts.add("http=" + ((this.httpProxy != null) ? withoutPassword(this.httpProxy) : "direct"));
		parts.add("https=" + ((this.httpsProxy != null) ? withoutPassword(this.httpsProxy) : "direct"));
		parts.add("noProxy=" + this.noProxy);
		parts.add("connectHeaders=" + this.connectHeaders.stream().map(Map.Entry::getKey).toList());
		return "HttpProxy[" + String.join(", ", parts) + "]";
	}

	private static String withoutPassword(URI proxy) {
		return (proxy.getRawUserInfo() != null) ? proxy.getScheme() + "://<secret>@" + proxy.getRawAuthority()
			.substring(proxy.getRawAuthority().indexOf('@') + 1) : proxy.toString();
	}

}
