package dev.asyncore.http;

import java.net.URI;
import java.util.Locale;

/**
 * One checked hop of a fetch: scheme, host, port and request target, read from a URL by
 * {@link FetchPolicy#target(URI)}. Immutable.
 */
record Target(URI uri, boolean https, Hosts.Host host, int port, String requestTarget) {

	/** The pool key: connections are reused per (scheme, host, port). */
	String route() {
		return (this.https ? "https://" : "http://") + this.host.name() + ':' + this.port;
	}

	/** The Host header value: the port is left out when it is the scheme's default. */
	String hostHeader() {
		return (this.port == defaultPort(this.https)) ? this.host.name() : this.host.name() + ':' + this.port;
	}

	/** This hop as a proxy is asked for it: the request target {@code http://authority/path?query}. */
	Target absoluteForm(String authority) {
		return new Target(this.uri, this.https, this.host, this.port, "http://" + authority + this.requestTarget);
	}

	static int defaultPort(boolean https) {
		return https ? 443 : 80;
	}

	/** Reads {@code uri} without any policy decision except what makes it unusable. */
	static Target of(URI uri) throws FetchException {
		String scheme = uri.getScheme();
		if (scheme == null) {
			throw new FetchException.InvalidUrl("'" + uri + "' is not an absolute URL: it needs http:// or https://");
		}
		scheme = scheme.toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new FetchException.Refused("Scheme '" + scheme + "' is not allowed: only http and https are fetched");
		}
		if (uri.isOpaque() || uri.getRawAuthority() == null) {
			throw new FetchException.InvalidUrl("'" + uri + "' has no host");
		}
		boolean https = scheme.equals("https");
		String authority = uri.getRawAuthority();
		if (authority.indexOf('@') >= 0) {
			throw new FetchException.InvalidUrl("'" + uri + "' has credentials in the URL, which are not supported");
		}
		String rawHost = authority;
		int port = defaultPort(https);
		int colon = authority.lastIndexOf(':');
		if (colon >= 0 && colon > authority.lastIndexOf(']')) {
			rawHost = authority.substring(0, colon);
			port = parsePort(authority.substring(colon + 1), https, uri);
		}
		if (rawHost.indexOf('%') >= 0) {
			throw new FetchException.InvalidUrl("Host of '" + uri + "' is percent-encoded, which is not supported");
		}
		Hosts.Host host = Hosts.parse(rawHost);
		String path = uri.getRawPath();
		String target = (path == null || path.isEmpty()) ? "/" : path;
		if (uri.getRawQuery() != null) {
			target = target + '?' + uri.getRawQuery();
		}
		if (!target.startsWith("/") || target.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
			throw new FetchException.InvalidUrl("Path of '" + uri + "' cannot be sent as a request target");
		}
		return new Target(uri, https, host, port, target);
	}

	private static int parsePort(String digits, boolean https, URI uri) throws FetchException.InvalidUrl {
		if (digits.isEmpty()) {
			return defaultPort(https);
		}
		if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new FetchException.InvalidUrl("Port of '" + uri + "' is not a number from 1 to 65535");
		}
		int port = Integer.parseInt(digits);
		if (port < 1 || port > 65535) {
			throw new FetchException.InvalidUrl("Port of '" + uri + "' is not a number from 1 to 65535");
		}
		return port;
	}

}
