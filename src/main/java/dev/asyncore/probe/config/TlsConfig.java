package dev.asyncore.probe.config;

import java.nio.file.Path;

/**
 * blackbox_exporter's {@code tls_config} of the http, tcp and dns probers: PEM files or, as its newest
 * release allows, inline PEM text ({@code ca}, {@code cert}, {@code key}). Immutable; any thread.
 *
 * @param caFile PEM file of the authorities trusted instead of the JDK's, or {@code null}
 * @param certFile PEM client certificate (chain), with {@code keyFile}, or {@code null}
 * @param keyFile PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY}) of {@code certFile}
 * @param serverName the name sent as SNI and verified instead of the target's host, or {@code null}
 * @param insecureSkipVerify accept any certificate (it is still reported in the metrics)
 * @param minVersion lowest protocol offered ({@code TLS10}..{@code TLS13}), or {@code null}
 * @param maxVersion highest protocol offered, or {@code null}
 * @param ca the authorities as inline PEM text ({@code ca}), instead of {@code caFile}, or {@code null}
 * @param cert the client certificate as inline PEM ({@code cert}), instead of {@code certFile}, or {@code null}
 * @param key its private key as inline PEM ({@code key}, a secret), instead of {@code keyFile}, or {@code null}
 */
public record TlsConfig(Path caFile, Path certFile, Path keyFile, String serverName, boolean insecureSkipVerify,
		String minVersion, String maxVersion, String ca, String cert, Secret key) {

	/** Verify against the JDK's trust store, no client certificate. */
	public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null, false, null, null);

	/** Files only, no inline PEM. */
	public TlsConfig(Path caFile, Path certFile, Path keyFile, String serverName, boolean insecureSkipVerify,
			String minVersion, String maxVersion) {
		this(caFile, certFile, keyFile, serverName, insecureSkipVerify, minVersion, maxVersion, null, null, null);
	}

	/** This configuration with {@code serverName} as {@code server_name}. */
	public TlsConfig withServerName(String serverName) {
		return new TlsConfig(this.caFile, this.certFile, this.keyFile, serverName, this.insecureSkipVerify,
				this.minVersion, this.maxVersion, this.ca, this.cert, this.key);
	}

	/** Whether a client certificate is configured (as files or inline). */
	public boolean clientCertificate() {
		return this.certFile != null || this.cert != null;
	}

	/**
	 * Reads a prober's {@code tls_config} mapping strictly, with Prometheus's rules (a value or its
	 * {@code *_file}, a certificate with its key); {@code *_file} paths are resolved by {@code files}, not read.
	 */
	public static TlsConfig parse(YamlSection s, ModuleFiles files) {
		s.unsupported("not implemented", "cipher_suites", "curve_preferences");
		String ca = s.string("ca", null);
		String cert = s.string("cert", null);
		Secret key = s.secret("key");
		TlsConfig config = new TlsConfig(path(s, "ca_file", files), path(s, "cert_file", files), path(s, "key_file", files),
				s.string("server_name", null), s.bool("insecure_skip_verify", false), version(s, "min_version"),
				version(s, "max_version"), ca, cert, key);
		// Prometheus's rules (common config's TLSConfig.Validate)
		if (ca != null && config.caFile != null) {
			throw new ModuleConfigException(s.key("ca"), "at most one of ca & ca_file must be configured");
		}
		if (cert != null && config.certFile != null) {
			throw new ModuleConfigException(s.key("cert"), "at most one of cert & cert_file must be configured");
		}
		if (key != null && config.keyFile != null) {
			throw new ModuleConfigException(s.key("key"), "at most one of key and key_file must be configured");
		}
		boolean hasKey = key != null || config.keyFile != null;
		if (config.clientCertificate() != hasKey) {
			String missing = hasKey ? "cert or cert_file" : "key or key_file";
			throw new ModuleConfigException(s.key(!hasKey ? (cert != null ? "cert" : "cert_file") : (key != null ? "key" : "key_file")),
					"exactly one of " + missing + " must be configured with the other"
							+ " (cert_file and key_file go together: set both or neither)");
		}
		if (config.minVersion != null && config.maxVersion != null && config.maxVersion.compareTo(config.minVersion) < 0) {
			throw new ModuleConfigException(s.key("max_version"),
					"tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified");
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
