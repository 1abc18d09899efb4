package dev.asyncore.probe.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code oauth2} of Prometheus's common HTTP client configuration: the client credentials grant
 * ({@code client_id}, {@code client_secret} or {@code client_secret_file}, {@code scopes},
 * {@code token_url}, {@code endpoint_params}) and the token request's own {@code tls_config} and proxy
 * options ({@code proxy_url}, {@code no_proxy}, {@code proxy_from_environment},
 * {@code proxy_connect_header}): as in Prometheus, the token client is built from these alone, never
 * from the module's. Immutable; any thread.
 *
 * @param clientId {@code client_id}
 * @param clientSecret {@code client_secret} (a secret) or {@code client_secret_file} (read for each token)
 * @param scopes {@code scopes}
 * @param tokenUrl {@code token_url}
 * @param endpointParams {@code endpoint_params}, sent in the token request's form
 * @param tls the token request's {@code tls_config} ({@link TlsConfig#DEFAULT} without one)
 * @param proxy the token request's proxy options ({@link ProxyConfig#NONE} without them)
 */
public record OAuth2Config(String clientId, SecretSource clientSecret, List<String> scopes, String tokenUrl,
		Map<String, String> endpointParams, TlsConfig tls, ProxyConfig proxy) {

	public OAuth2Config {
		scopes = List.copyOf(scopes);
		endpointParams = Collections.unmodifiableMap(new LinkedHashMap<>(endpointParams));
	}

	/**
	 * Reads {@code oauth2} of an http section, or {@code null} when it has none.
	 * @throws ModuleConfigException with Prometheus's reasons
	 */
	static OAuth2Config parse(YamlSection s, ModuleFiles files) {
		YamlSection o = s.section("oauth2");
		if (!o.present()) {
			return null;
		}
		String clientId = o.string("client_id", "");
		SecretSource secret = SecretSource.parse(o, "client_secret", "client_secret_file", files);
		String tokenUrl = o.string("token_url", "");
		if (clientId.isEmpty()) {
			throw new ModuleConfigException(o.key("client_id"), "oauth2 client_id must be configured");
		}
		if (secret == null) {
			throw new ModuleConfigException(o.key("client_secret"),
					"either oauth2 client_secret or client_secret_file must be configured");
		}
		if (tokenUrl.isEmpty()) {
			throw new ModuleConfigException(o.key("token_url"), "oauth2 token_url must be configured");
		}
		if (!tokenUrl.matches("(?i)https?://.+")) {
			throw new ModuleConfigException(o.key("token_url"), "must be an http:// or https:// URL, was '" + tokenUrl + "'");
		}
		Map<String, String> params = new LinkedHashMap<>();
		YamlSection p = o.section("endpoint_params");
		for (String name : p.keys()) {
			params.put(name, p.string(name, ""));
		}
		p.finish();
		OAuth2Config config = new OAuth2Config(clientId, secret, o.strings("scopes"), tokenUrl, params,
				TlsConfig.parse(o.section("tls_config"), files), ProxyConfig.parseCommon(o));
		o.finish();
		return config;
	}

}
