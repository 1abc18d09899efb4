package dev.asyncore.probe.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The proxy options of Prometheus's common HTTP client configuration ({@code proxy_url},
 * {@code no_proxy}, {@code proxy_from_environment}, {@code proxy_connect_header}) with its rules of
 * which go together, and blackbox_exporter's {@code skip_resolve_phase_with_proxy}. Immutable; any thread.
 *
 * @param url {@code proxy_url}, or {@code null}; its password, if any, is a secret (the module's text
 * shows {@code <secret>} for the whole URL then)
 * @param noProxy {@code no_proxy}, empty for none
 * @param fromEnvironment {@code proxy_from_environment}: {@code HTTP_PROXY}, {@code HTTPS_PROXY} and
 * {@code NO_PROXY} as Go reads them
 * @param connectHeaders {@code proxy_connect_header}: name and value (secrets), sent with each CONNECT
 * @param skipResolve {@code skip_resolve_phase_with_proxy}: with a proxy, the target's name is left
 * to the proxy to resolve
 */
public record ProxyConfig(Secret url, String noProxy, boolean fromEnvironment,
		List<Map.Entry<String, Secret>> connectHeaders, boolean skipResolve) {

	/** No proxy. */
	public static final ProxyConfig NONE = new ProxyConfig(null, "", false, List.of(), false);

	public ProxyConfig {
		connectHeaders = List.copyOf(connectHeaders);
	}

	/**
	 * Reads these options from an http section, {@code skip_resolve_phase_with_proxy} included.
	 * @throws ModuleConfigException with Prometheus's reason when options that exclude each other are set
	 */
	public static ProxyConfig parse(YamlSection s) {
		ProxyConfig common = parseCommon(s);
		return new ProxyConfig(common.url, common.noProxy, common.fromEnvironment, common.connectHeaders,
				s.bool("skip_resolve_phase_with_proxy", false));
	}

	/**
	 * Reads Prometheus's {@code ProxyConfig} alone, as {@code oauth2} embeds it (no
	 * {@code skip_resolve_phase_with_proxy}, which is blackbox_exporter's).
	 * @throws ModuleConfigException with Prometheus's reason when options that exclude each other are set
	 */
	static ProxyConfig parseCommon(YamlSection s) {
		Object raw = s.raw("proxy_url");
		Secret url = null;
		if (raw != null && !"".equals(raw)) {
			url = (raw instanceof String text && text.contains("@")) ? s.secret("proxy_url") : Secret.of(s.string("proxy_url", ""));
			try {
				URI parsed = new URI(url.reveal());
				if (parsed.getScheme() == null || parsed.getHost() == null) {
					throw new URISyntaxException(url.reveal(), "needs a scheme and a host");
				}
			}
			catch (URISyntaxException ex) {
				throw new ModuleConfigException(s.key("proxy_url"), "is not a URL: " + ex.getReason());
			}
		}
		else {
			s.string("proxy_url", "");
		}
		String noProxy = s.string("no_proxy", "");
		boolean fromEnvironment = s.bool("proxy_from_environment", false);
		List<Map.Entry<String, Secret>> headers = new ArrayList<>();
		YamlSection connect = s.section("proxy_connect_header");
		for (String name : connect.keys()) {
			if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
				throw new ModuleConfigException(connect.key(name), "is not a valid header name");
			}
			for (Secret value : connect.secretList(name)) {
				if (value.reveal().chars().anyMatch(c -> c == '\r' || c == '\n')) {
					throw new ModuleConfigException(connect.key(name), "holds a line break, which a header value cannot");
				}
				headers.add(Map.entry(name, value));
			}
		}
		connect.finish();
		if (!headers.isEmpty() && !fromEnvironment && url == null) {
			throw new ModuleConfigException(s.key("proxy_connect_header"),
					"if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured");
		}
		if (fromEnvironment && url != null) {
			throw new ModuleConfigException(s.key("proxy_from_environment"),
					"if proxy_from_environment is configured, proxy_url must not be configured");
		}
		if (fromEnvironment && !noProxy.isEmpty()) {
			throw new ModuleConfigException(s.key("proxy_from_environment"),
					"if proxy_from_environment is configured, no_proxy must not be configured");
		}
		if (url == null && !noProxy.isEmpty()) {
			throw new ModuleConfigException(s.key("no_proxy"), "if no_proxy is configured, proxy_url must also be configured");
		}
		return new ProxyConfig(url, noProxy, fromEnvironment, headers, false);
	}

	/** Whether a proxy may be used: {@code proxy_url} or {@code proxy_from_environment}. */
	public boolean configured() {
		return this.url != null || this.fromEnvironment;
	}

}
