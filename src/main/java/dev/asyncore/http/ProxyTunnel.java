package dev.asyncore.http;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code CONNECT} of an https hop through an HTTP proxy (RFC 9110 9.3.6): the request, then the
 * proxy's answer collected up to its blank line (bounded by the policy's header limit) and judged.
 * A 2xx opens the tunnel; the connection then starts TLS to the target inside it. Loop thread only.
 */
final class ProxyTunnel {

	/** The blank line that ends the proxy's answer (a 2xx to CONNECT has no body). */
	static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

	private final String authority;

	private final String proxy;

	private final int maxHeaderBytes;

	private final ByteArrayOutputStream head = new ByteArrayOutputStream();

	/**
	 * @param authority {@code host:port} asked for (an address the policy checked, or the name)
	 * @param proxy the proxy as it is named in failures
	 */
	ProxyTunnel(String authority, String proxy, int maxHeaderBytes) {
		this.authority = authority;
		this.proxy = proxy;
		this.maxHeaderBytes = maxHeaderBytes;
	}

	/** {@code CONNECT host:port HTTP/1.1} with {@code Host} and {@code headers}. */
	byte[] request(List<Map.Entry<String, String>> headers) {
		StringBuilder text = new StringBuilder(96).append("CONNECT ").append(this.authority).append(" HTTP/1.1\r\n")
			.append("Host: ").append(this.authority).append("\r\n");
		for (Map.Entry<String, String> header : headers) {
			text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
		}
		return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	/** Collects a piece of the answer. */
	void collect(ByteBuffer data) throws FetchException {
		if (this.head.size() + data.remaining() > this.maxHeaderBytes) {
			throw new FetchException.Protocol("Proxy " + this.proxy + " answered CONNECT " + this.authority
					+ " with more than " + this.maxHeaderBytes + " bytes of header", null);
		}
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.head.writeBytes(bytes);
	}

	/**
	 * The answer is complete: the tunnel is open if its status is 2xx.
	 * @throws FetchException.Connect naming the proxy, the target and the status otherwise
	 */
	void opened() throws FetchException {
		String text = this.head.toString(StandardCharsets.ISO_8859_1);
		int end = text.indexOf("\r\n");
		String statusLine = (end >= 0) ? text.substring(0, end) : text;
		String[] parts = statusLine.split(" ", 3);
		if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
			throw new FetchException.Protocol("Proxy " + this.proxy + " answered CONNECT " + this.authority
					+ " with '" + HttpSyntax.printable(statusLine) + "', not an HTTP/1.x status line", null);
		}
		if (parts[1].charAt(0) != '2') {
			throw new FetchException.Connect("Proxy " + this.proxy + " refused CONNECT " + this.authority + ": "
					+ HttpSyntax.printable(statusLine.substring(parts[0].length() + 1)), null);
		}
	}

	/**
	 * The proxy's URL as the fetch policy checks it (scheme, host, port; its address once resolved),
	 * without its user and password.
	 * @throws FetchException.Refused for what the policy refuses, and for an https or SOCKS proxy
	 */
	static Target checkedProxy(FetchPolicy policy, URI proxy) throws FetchException {
		String scheme = String.valueOf(proxy.getScheme()).toLowerCase(java.util.Locale.ROOT);
		if (!scheme.equals("http")) {
			throw new FetchException.Refused("Proxy " + HttpProxy.withoutUser(proxy) + " is not an http:// proxy: only those are supported");
		}
		return policy.target(HttpProxy.withoutUser(proxy));
	}

	/** The headers of a CONNECT: {@code configured}, then {@code Proxy-Authorization} if not {@code null}. */
	static List<Map.Entry<String, String>> connectHeaders(List<Map.Entry<String, String>> configured, String authorization) {
		List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(configured);
		if (authorization != null) {
			headers.add(Map.entry("Proxy-Authorization", authorization));
		}
		return headers;
	}

	/** {@code address:port}, an IPv6 address in brackets: what a proxy is asked for once the policy checked the address. */
	static String authority(java.net.InetAddress address, int port) {
		String ip = address.getHostAddress();
		return ((ip.indexOf(':') >= 0) ? "[" + ip + "]" : ip) + ':' + port;
	}

	String authority() {
		return this.authority;
	}

}
