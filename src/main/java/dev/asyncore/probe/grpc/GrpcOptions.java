package dev.asyncore.probe.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code grpc} section of a blackbox_exporter module, with its option names and defaults.
 * Immutable; any thread.
 *
 * @param service the {@code service} asked about ({@code HealthCheckRequest.service}); empty for the
 * server as a whole
 * @param tls whether the connection is TLS (ALPN {@code h2}); otherwise HTTP/2 in clear text with
 * prior knowledge
 * @param tlsConfig the {@code tls_config}
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param metadata {@code metadata}: request metadata, names in lower case, in file order (a name
 * with several values appears once per value)
 * @param tlsMaterial the {@code tls_config}'s loaded material, or {@code null} for the JDK's trust store
 */
public record GrpcOptions(String service, boolean tls, TlsConfig tlsConfig, IpPreference ipProtocol,
		List<Map.Entry<String, String>> metadata, TlsMaterial tlsMaterial) {

	/** blackbox_exporter's defaults: the whole server, no TLS, prefer IPv6 and fall back. */
	public static final GrpcOptions DEFAULT = new GrpcOptions("", false, TlsConfig.DEFAULT, IpPreference.DEFAULT,
			List.of(), null);

	/** The {@code grpc} prober in the module file, its {@code tls_config} loaded for each module. */
	public static final ProberKind<GrpcOptions> KIND = ProberKind.of("grpc", GrpcOptions::parse)
		.loading((grpc, key) -> grpc.withTlsMaterial(TlsMaterial.load(grpc.tlsConfig(), key + ".tls_config")));

	public GrpcOptions {
		metadata = List.copyOf(metadata);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public GrpcOptions withTlsMaterial(TlsMaterial material) {
		return new GrpcOptions(this.service, this.tls, this.tlsConfig, this.ipProtocol, this.metadata, material);
	}

	static GrpcOptions parse(YamlSection s, ModuleFiles files) {
		List<Map.Entry<String, String>> metadata = new ArrayList<>();
		YamlSection section = s.section("metadata");
		for (String name : section.keys()) {
			String key = name.toLowerCase(Locale.ROOT);
			if (!key.matches("[0-9a-z_.-]+") || key.startsWith("grpc-")) {
				throw new ModuleConfigException(section.key(name),
						"is not a gRPC metadata name (0-9 a-z _ . -, not grpc-)");
			}
			// metadata.MD is map[string][]string: a list of values; one value alone is read as a list of one
			List<String> values = (section.raw(name) instanceof List<?>) ? section.strings(name)
					: List.of(section.string(name, ""));
			for (String value : values) {
				if (value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
					throw new ModuleConfigException(section.key(name), "has a value that is not printable ASCII");
				}
				metadata.add(Map.entry(key, value));
			}
		}
		section.finish();
		GrpcOptions grpc = new GrpcOptions(s.string("service", ""), s.bool("tls", false),
				TlsConfig.parse(s.section("tls_config"), files), IpPreference.parse(s), metadata, null);
		s.finish();
		return grpc;
	}

}
