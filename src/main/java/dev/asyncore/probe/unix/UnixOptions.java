package dev.asyncore.probe.unix;

import java.util.List;

import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code unix} section of a blackbox_exporter module: {@code query_response}, {@code tls} and
 * {@code tls_config}, as its {@code UnixProbe}. Immutable; any thread.
 *
 * @param queryResponse the dialogue, in order; empty means connect (and handshake) only
 * @param tls whether the connection is TLS from the start
 * @param tlsConfig the {@code tls_config}, for {@code tls} and {@code starttls}
 * @param tlsMaterial its loaded key and trust material, or {@code null} for the JDK's trust store
 */
public record UnixOptions(List<QueryResponse> queryResponse, boolean tls, TlsConfig tlsConfig, TlsMaterial tlsMaterial) {

	/** The {@code unix} prober in the module file; its {@code tls_config} loaded for each module. */
	public static final ProberKind<UnixOptions> KIND = ProberKind.of("unix", UnixOptions::parse)
		.loading((unix, key) -> unix.withTlsMaterial(TlsMaterial.load(unix.tlsConfig(), key + ".tls_config")));

	public UnixOptions {
		queryResponse = List.copyOf(queryResponse);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public UnixOptions withTlsMaterial(TlsMaterial material) {
		return new UnixOptions(this.queryResponse, this.tls, this.tlsConfig, material);
	}

	static UnixOptions parse(YamlSection s, ModuleFiles files) {
		UnixOptions unix = new UnixOptions(QueryResponse.parseAll(s, "query_response", false), s.bool("tls", false),
				TlsConfig.parse(s.section("tls_config"), files), null);
		s.finish();
		return unix;
	}

}
