package dev.asyncore.probe;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code tcp} section of a blackbox_exporter module, with its option names and defaults.
 * Immutable; any thread.
 *
 * @param queryResponse the dialogue, in order; empty means connect (and handshake) only
 * @param tls whether the connection is TLS from the start
 * @param tlsConfig the {@code tls_config}, for {@code tls} and {@code starttls}
 * @param preferredIpProtocol {@code ip4} or {@code ip6}
 * @param ipProtocolFallback whether the other family may be used
 * @param sourceIpAddress the local address to connect from, or {@code null}
 */
public record TcpProbe(List<QueryResponse> queryResponse, boolean tls, TlsConfig tlsConfig, String preferredIpProtocol,
		boolean ipProtocolFallback, InetAddress sourceIpAddress) {

	/** blackbox_exporter's defaults: connect only, prefer IPv6 and fall back. */
	public static final TcpProbe DEFAULT = new TcpProbe(List.of(), false, TlsConfig.DEFAULT, "ip6", true, null);

	public TcpProbe {
		queryResponse = List.copyOf(queryResponse);
	}

	/** Whether an entry uses {@code expect_bytes} (then {@code probe_failed_due_to_bytes} is reported). */
	boolean expectsBytes() {
		return this.queryResponse.stream().anyMatch(q -> q.expectBytes() != null);
	}

	static TcpProbe parse(Section s, Function<String, Path> paths) {
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", false);
		boolean tls = s.bool("tls", false);
		TlsConfig config = TlsConfig.parse(s.section("tls_config"), paths);
		TcpProbe probe = new TcpProbe(steps, tls, config, ipProtocol(s), s.bool("ip_protocol_fallback", true),
				sourceAddress(s));
		s.finish();
		return probe;
	}

	/** {@code preferred_ip_protocol}: ip4 or ip6 (empty means ip6, as blackbox_exporter reads it). */
	static String ipProtocol(Section s) {
		String ip = s.string("preferred_ip_protocol", "ip6");
		if (ip.isEmpty()) {
			return "ip6";
		}
		if (!ip.equals("ip4") && !ip.equals("ip6")) {
			throw new ModuleConfigException(s.key("preferred_ip_protocol"), "must be ip4 or ip6, was '" + ip + "'");
		}
		return ip;
	}

	/** {@code source_ip_address}: an IP literal (checked here, where blackbox_exporter checks it per probe). */
	static InetAddress sourceAddress(Section s) {
		String text = s.string("source_ip_address", null);
		if (text == null || text.isEmpty()) {
			return null;
		}
		InetAddress address = IpText.literal(text);
		if (address == null) {
			throw new ModuleConfigException(s.key("source_ip_address"), "must be an IP address, was '" + text + "'");
		}
		return address;
	}

}
