package dev.asyncore.probe;

import java.net.InetAddress;
import java.util.List;

/**
 * The {@code udp} section of a module (beyond blackbox_exporter, whose issue #184 asks for it):
 * {@code query_response} over datagrams, each {@code send} one datagram (no new line added), each
 * {@code expect} matched against whole datagrams. Immutable; any thread.
 *
 * @param queryResponse the exchange, in order; at least one entry
 * @param preferredIpProtocol {@code ip4} or {@code ip6}
 * @param ipProtocolFallback whether the other family may be used
 * @param sourceIpAddress the local address to send from, or {@code null}
 */
public record UdpProbe(List<QueryResponse> queryResponse, String preferredIpProtocol, boolean ipProtocolFallback,
		InetAddress sourceIpAddress) {

	public UdpProbe {
		queryResponse = List.copyOf(queryResponse);
	}

	static UdpProbe parse(Section s) {
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", true);
		if (steps.isEmpty()) {
			throw new ModuleConfigException(s.key("query_response"),
					"is required for udp: UDP has no handshake, so a probe must send or expect something");
		}
		UdpProbe probe = new UdpProbe(steps, TcpProbe.ipProtocol(s), s.bool("ip_protocol_fallback", true),
				TcpProbe.sourceAddress(s));
		s.finish();
		return probe;
	}

}
