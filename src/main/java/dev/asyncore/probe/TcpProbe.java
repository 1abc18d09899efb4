package dev.asyncore.probe;

import java.net.InetAddress;
import java.util.List;

import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;

/**
 * The {@code tcp} section of a blackbox_exporter module, with its option names and defaults.
 * Immutable; any thread.
 *
 * @param queryResponse the dialogue, in order; empty means connect (and handshake) only
 * @param tls whether the connection is TLS from the start
 * @param tlsConfig the {@code tls_config}, for {@code tls} and {@code starttls}
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param sourceIpAddress the local address to connect from, or {@code null}
 */
public record TcpProbe(List<QueryResponse> queryResponse, boolean tls, TlsConfig tlsConfig, IpPreference ipProtocol,
		InetAddress sourceIpAddress) {

	/** blackbox_exporter's defaults: connect only, prefer IPv6 and fall back. */
	public static final TcpProbe DEFAULT = new TcpProbe(List.of(), false, TlsConfig.DEFAULT, IpPreference.DEFAULT, null);

	public TcpProbe {
		queryResponse = List.copyOf(queryResponse);
	}

	static TcpProbe parse(YamlSection s, ModuleFiles files) {
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", false);
		boolean tls = s.bool("tls", false);
		TlsConfig config = TlsConfig.parse(s.section("tls_config"), files);
		TcpProbe probe = new TcpProbe(steps, tls, config, IpPreference.parse(s), IpLiteral.sourceIpAddress(s));
		s.finish();
		return probe;
	}

}
