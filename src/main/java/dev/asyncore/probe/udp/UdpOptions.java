package dev.asyncore.probe.udp;

import java.net.InetAddress;
import java.util.List;

import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.config.YamlSection;

/**
 * The {@code udp} section of a module (beyond blackbox_exporter, whose issue #184 asks for it):
 * {@code query_response} over datagrams, each {@code send} one datagram (no new line added), each
 * {@code expect} matched against whole datagrams. Immutable; any thread.
 *
 * @param queryResponse the exchange, in order; at least one entry
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param sourceIpAddress the local address to send from, or {@code null}
 */
public record UdpOptions(List<QueryResponse> queryResponse, IpPreference ipProtocol, InetAddress sourceIpAddress) {

	/** The {@code udp} prober in the module file: its section read by {@link #parse}. */
	public static final ProberKind<UdpOptions> KIND = ProberKind.of("udp", (section, files) -> parse(section));

	public UdpOptions {
		queryResponse = List.copyOf(queryResponse);
	}

	static UdpOptions parse(YamlSection s) {
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", true);
		if (steps.isEmpty()) {
			throw new ModuleConfigException(s.key("query_response"),
					"is required for udp: UDP has no handshake, so a probe must send or expect something");
		}
		UdpOptions probe = new UdpOptions(steps, IpPreference.parse(s), IpLiteral.sourceIpAddress(s));
		s.finish();
		return probe;
	}

}
