package dev.asyncore.probe.config;

import java.nio.file.Path;

/**
 * blackbox_exporter's {@code tls_config} of the http, tcp and dns probers. Immutable; any thread.
 *
 * @param caFile PEM file of the authorities trusted instead of the JDK's, or {@code null}
 * @param certFile PEM client certificate (chain), with {@code keyFile}, or {@code null}
 * @param keyFile PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY}) of {@code certFile}
 * @param serverName the name sent as SNI and verified instead of the target's host, or {@code null}
 * @param insecureSkipVerify accept any certificate (it is still reported in the metrics)
 * @param minVersion lowest protocol offered ({@code TLS10}..{@code TLS13}), or {@code null}
 * @param maxVersion highest protocol offered, or {@code null}
 */
public record TlsConfig(Path caFile, Path certFile, Path keyFile, String serverName, boolean insecureSkipVerify,
		String minVersion, String maxVersion) {

	/** Verify against the JDK's trust store, no client certificate. */
	public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null, false, null, null);

	/** Reads a prober's {@code tls_config} mapping strictly; {@code *_file} paths are resolved by {@code files}, not read. */
	public static TlsConfig parse(YamlSection s, ModuleFiles files) {
		s.unsupported("inline PEM is not read; use ca_file, cert_file and key_file", "ca", "cert", "key")
			.unsupported("not implemented", "cipher_suites", "curve_preferences");
		TlsConfig config = new TlsConfig(path(s, "ca_file", files), path(s, "cert_file", files), path(s, "key_file", files),
				s.string("server_name", null), s.bool("insecure_skip_verify", false), version(s, "min_version"),
				version(s, "max_version"));
		if ((config.certFile == null) != (config.keyFile == null)) {
			throw new ModuleConfigException(s.key(config.certFile == null ? "key_file" : "cert_file"),
					"cert_file and key_file go together: set both or neither");
		}
		s.finish();
		return config;
	}

	private static Path path(YamlSection s, String name, ModuleFiles files) {
		String value = s.string(name, null);
		return (value == null || value.isBlank()) ? null : files.path(value);
	}

	private static String version(YamlSection s, String name) {
		String value = s.string(name, null);
		if (value == null) {
			return null;
		}
		if (!value.matches("TLS1[0-3]")) {
			throw new ModuleConfigException(s.key(name), "must be TLS10, TLS11, TLS12 or TLS13, was '" + value + "'");
		}
		return value;
	}

}
