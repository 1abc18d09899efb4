package dev.asyncore.probe.tcp;

import java.net.InetAddress;
import java.util.List;

import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.target.DnsServer;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code tcp} section of a blackbox_exporter module, with its option names and defaults.
 * Immutable; any thread.
 *
 * @param queryResponse the dialogue, in order; empty means connect (and handshake) only
 * @param tls whether the connection is TLS from the start
 * @param tlsConfig the {@code tls_config}, for {@code tls} and {@code starttls}
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param sourceIpAddress the local address to connect from, or {@code null}
 * @param tlsMaterial the {@code tls_config}'s loaded key and trust material, or {@code null} for the
 * JDK's trust store
 * @param dnsServer {@code dns_server} (beyond blackbox_exporter): the module's own name server, or {@code null}
 */
public record TcpOptions(List<QueryResponse> queryResponse, boolean tls, TlsConfig tlsConfig, IpPreference ipProtocol,
		InetAddress sourceIpAddress, TlsMaterial tlsMaterial, DnsServer dnsServer) {

	/** blackbox_exporter's defaults: connect only, prefer IPv6 and fall back. */
	public static final TcpOptions DEFAULT = new TcpOptions(List.of(), false, TlsConfig.DEFAULT, IpPreference.DEFAULT, null,
			null, null);

	/** The module for plain TCP connects, as blackbox_exporter's example file defines it. */
	public static final String DEFAULT_MODULE = "tcp_connect";

	/**
	 * The {@code tcp} prober in the module file: its section read by {@link #parse}, its
	 * {@code tls_config} loaded for each module, and {@code tcp_connect} in every file.
	 */
	public static final ProberKind<TcpOptions> KIND = ProberKind.of("tcp", TcpOptions::parse)
		.loading((tcp, key) -> tcp.withTlsMaterial(TlsMaterial.load(tcp.tlsConfig(), key + ".tls_config")))
		.withDefaultModule(DEFAULT_MODULE, "prober: tcp\ntimeout: 5s\n")
		.withHostname(TcpOptions::withHostname);

	public TcpOptions {
		queryResponse = List.copyOf(queryResponse);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public TcpOptions withTlsMaterial(TlsMaterial material) {
		return new TcpOptions(this.queryResponse, this.tls, this.tlsConfig, this.ipProtocol, this.sourceIpAddress, material, this.dnsServer);
	}

	/**
	 * {@code /probe?hostname=}: the TLS server name, unless {@code tls_config} sets {@code server_name}
	 * (blackbox_exporter's handler does the same).
	 */
	TcpOptions withHostname(String hostname) {
		if (this.tlsConfig.serverName() != null) {
			return this;
		}
		return new TcpOptions(this.queryResponse, this.tls, this.tlsConfig.withServerName(hostname), this.ipProtocol,
				this.sourceIpAddress, this.tlsMaterial, this.dnsServer);
	}

	static TcpOptions parse(YamlSection s, ModuleFiles files) {
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", false);
		boolean tls = s.bool("tls", false);
		TlsConfig config = TlsConfig.parse(s.section("tls_config"), files);
		TcpOptions probe = new TcpOptions(steps, tls, config, IpPreference.parse(s), IpLiteral.sourceIpAddress(s), null,
				DnsServer.parse(s));
		s.finish();
		return probe;
	}

}
