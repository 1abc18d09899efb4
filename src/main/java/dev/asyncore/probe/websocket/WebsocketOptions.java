package dev.asyncore.probe.websocket;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.probe.config.HttpClientConfig;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code websocket} section of a blackbox_exporter module, as its {@code WebsocketProbe}:
 * {@code http_config} (the credentials, {@code http_headers} and {@code tls_config} of Prometheus's
 * HTTP client configuration; its other keys are accepted and, as there, unused), {@code headers}
 * (Prometheus's {@code Headers}), {@code query_response} and the IP options. Immutable; any thread.
 *
 * @param client {@code http_config}'s credentials and headers
 * @param headers {@code headers}, sent after those
 * @param tls {@code http_config.tls_config}
 * @param tlsMaterial its loaded material, or {@code null} for the JDK's trust store
 * @param queryResponse the dialogue over text messages: {@code expect} reads one message, {@code send} sends one
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 */
public record WebsocketOptions(HttpClientConfig client, HttpClientConfig headers, TlsConfig tls, TlsMaterial tlsMaterial,
		List<QueryResponse> queryResponse, IpPreference ipProtocol) {

	/** The {@code websocket} prober in the module file; its {@code tls_config} loaded for each module. */
	public static final ProberKind<WebsocketOptions> KIND = ProberKind.of("websocket", WebsocketOptions::parse)
		.loading((ws, key) -> ws.withTlsMaterial(TlsMaterial.load(ws.tls(), key + ".http_config.tls_config")));

	/** Keys of Prometheus's HTTP client configuration that blackbox_exporter's websocket prober does not use. */
	private static final List<String> UNUSED = List.of("follow_redirects", "enable_http2");

	public WebsocketOptions {
		queryResponse = List.copyOf(queryResponse);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public WebsocketOptions withTlsMaterial(TlsMaterial material) {
		return new WebsocketOptions(this.client, this.headers, this.tls, material, this.queryResponse, this.ipProtocol);
	}

	/** The request's extra headers: credentials, then {@code http_config.http_headers}, then {@code headers}. Reads files. */
	List<Map.Entry<String, String>> requestHeaders() {
		List<Map.Entry<String, String>> all = new ArrayList<>(this.client.headers(false));
		all.addAll(this.headers.headers(true));
		return all;
	}

	static WebsocketOptions parse(YamlSection s, ModuleFiles files) {
		YamlSection config = s.section("http_config");
		// the shared http_config parser reads (and checks) these; this prober dials directly and takes no token
		config.unsupportedEvenIfRead("not implemented", "oauth2", "proxy_url", "no_proxy", "proxy_from_environment",
				"proxy_connect_header", "enable_http3");
		for (String unused : UNUSED) {
			config.raw(unused);
		}
		HttpClientConfig client = HttpClientConfig.parse(config, files);
		TlsConfig tls = TlsConfig.parse(config.section("tls_config"), files);
		config.finish();
		List<QueryResponse> steps = QueryResponse.parseAll(s, "query_response", false);
		for (int i = 0; i < steps.size(); i++) {
			QueryResponse step = steps.get(i);
			if (step.expectBytes() != null || step.sendBytes() != null || !step.labels().isEmpty() || step.startTls()) {
				throw new ModuleConfigException(s.key("query_response") + "[" + i + "]", "the websocket prober uses only "
						+ "expect and send (text messages); blackbox_exporter ignores expect_bytes, labels, starttls and binary sends");
			}
		}
		WebsocketOptions ws = new WebsocketOptions(client, HttpClientConfig.headersOnly(headers(s), files), tls,
				null, steps, IpPreference.parse(s));
		s.finish();
		return ws;
	}

	/**
	 * {@code headers} as Prometheus's {@code Headers}; a plain string is one value, as blackbox_exporter's
	 * own {@code example.yml} writes it ({@code X-Some-Header: "my_header"}).
	 */
	private static YamlSection headers(YamlSection s) {
		if (s.has("headers") && s.raw("headers") instanceof Map<?, ?> raw
				&& raw.values().stream().anyMatch(String.class::isInstance)) {
			Map<String, Object> headers = new LinkedHashMap<>();
			raw.forEach((name, value) -> headers.put(String.valueOf(name),
					(value instanceof String text) ? Map.of("values", List.of(text)) : value));
			return YamlSection.of(s.key("headers"), headers);
		}
		return s.section("headers");
	}

}
