package dev.asyncore.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * How one hop goes through its proxy: the proxy as the fetch policy checked it, what the proxy is
 * asked to connect to ({@code authority}: the checked address and port, or the host's name and
 * port when the proxy resolves it), and the credentials of the proxy's URL. An https hop asks for
 * a {@code CONNECT} tunnel; an http hop sends its request in absolute form (RFC 9112 3.2.2).
 * Immutable; made once the target's address, or name, is known.
 *
 * @param proxy the proxy's scheme, host and port, checked by the policy
 * @param authority what the proxy is asked for
 * @param authorization {@code Proxy-Authorization} from the proxy URL's user and password, or {@code null}
 * @param connectHeaders the headers of a {@code CONNECT}, {@code authorization} included
 */
record ProxyLeg(Target proxy, String authority, String authorization, List<Map.Entry<String, String>> connectHeaders) {

	static ProxyLeg of(Target proxy, URI proxyUri, HttpProxy via, String authority) {
		String authorization = HttpProxy.authorization(proxyUri);
		return new ProxyLeg(proxy, authority, authorization, ProxyTunnel.connectHeaders(via.connectHeaders(), authorization));
	}

	/** The proxy's {@code host:port}. */
	String peer() {
		return this.proxy.host().name() + ':' + this.proxy.port();
	}

	/** The {@code CONNECT} tunnel of an https hop, or {@code null} for http (absolute form, no tunnel). */
	ProxyTunnel tunnel(boolean https, int maxHeaderBytes) {
		return https ? new ProxyTunnel(this.authority, peer(), maxHeaderBytes) : null;
	}

	/** An http hop's request through the proxy: with {@code Proxy-Authorization} when the proxy URL has a user. */
	RequestOptions authorize(RequestOptions request) {
		return (this.authorization != null) ? request.withHeader("Proxy-Authorization", this.authorization) : request;
	}

}
