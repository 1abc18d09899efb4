package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.asyncore.probe.config.HttpClientConfig;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.NamedFile;
import dev.asyncore.probe.config.OAuth2Config;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.Secret;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.target.DnsServer;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code http} section of a blackbox_exporter module, with its option names and defaults.
 * Immutable; any thread.
 *
 * @param validStatusCodes codes that count as success; empty means any 2xx
 * @param validHttpVersions {@code HTTP/1.1}, {@code HTTP/1.0}...; empty means any
 * @param method request method, upper case
 * @param headers request headers, in file order (the values of credential headers such as
 * {@code Authorization} or {@code X-Api-Key} are read as secrets: the module's text shows {@code <secret>})
 * @param body request body, or {@code null}
 * @param bodyFile {@code body_file}: the request body read from it for each probe, or {@code null}
 * @param followRedirects whether redirects are followed (at most 10, as Go's client does)
 * @param failIfSsl fail when the final response came over TLS
 * @param failIfNotSsl fail when it did not
 * @param failIfBodyMatches fail when the body matches any of these
 * @param failIfBodyNotMatches fail unless the body matches every one of these
 * @param failIfHeaderMatches fail when a header value matches
 * @param failIfHeaderNotMatches fail unless a header value matches
 * @param bodySizeLimit largest body read in bytes; 0 means the service's limit
 * @param compression {@code gzip}, {@code br} or {@code deflate}: sent as Accept-Encoding, and the body decoded
 * so whatever its Content-Encoding says ({@code deflate} as raw DEFLATE, as Go reads it); empty for
 * none (or {@code identity})
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param client {@code basic_auth}, {@code bearer_token}, {@code authorization} and {@code http_headers},
 * their files read for each probe, and the proxy options ({@code proxy_url}, {@code no_proxy},
 * {@code proxy_from_environment}, {@code proxy_connect_header}, {@code skip_resolve_phase_with_proxy})
 * @param tls the {@code tls_config}
 * @param tlsMaterial the {@code tls_config}'s loaded key and trust material, or {@code null} to use the
 * fetcher's TLS context (then the certificate gauges come only from a completed handshake)
 * @param enableHttp2 {@code enable_http2} (default true, as in blackbox_exporter): offer HTTP/2 by ALPN
 * on https, so a server that chooses it answers {@code HTTP/2.0}
 * @param cel {@code fail_if_body_json_matches_cel} and {@code fail_if_body_json_not_matches_cel}, compiled
 * @param sourceIpAddress {@code source_ip_address} (beyond blackbox_exporter): the address each connection
 * binds before it connects, or {@code null}
 * @param dnsServer {@code dns_server} (beyond blackbox_exporter): the module's own name server, or {@code null}
 * @param oauth2TlsMaterial {@code oauth2}'s own {@code tls_config} loaded, for the token request; {@code null}
 * without {@code oauth2} or before loading (then the token request uses the fetcher's TLS context)
 */
public record HttpOptions(Set<Integer> validStatusCodes, List<String> validHttpVersions, String method,
		Map<String, String> headers, String body, NamedFile bodyFile, boolean followRedirects, boolean failIfSsl, boolean failIfNotSsl,
		List<Pattern> failIfBodyMatches, List<Pattern> failIfBodyNotMatches, List<HeaderMatch> failIfHeaderMatches,
		List<HeaderMatch> failIfHeaderNotMatches, long bodySizeLimit, String compression, IpPreference ipProtocol,
		HttpClientConfig client, TlsConfig tls, TlsMaterial tlsMaterial, boolean enableHttp2, BodyCel cel,
		InetAddress sourceIpAddress, DnsServer dnsServer, TlsMaterial oauth2TlsMaterial) {

	/** blackbox_exporter's defaults: GET, 2xx, follow redirects, prefer IPv6 and fall back; the fetcher's TLS context. */
	public static final HttpOptions DEFAULT = new HttpOptions(Set.of(), List.of(), "GET", Map.of(), null, null, true,
			false, false, List.of(), List.of(), List.of(), List.of(), 0, "", IpPreference.DEFAULT, HttpClientConfig.NONE,
			TlsConfig.DEFAULT, null, true, BodyCel.NONE, null, null, null);

	/**
	 * The {@code http} prober in the module file: its section read by {@link #parse}, its
	 * {@code tls_config} loaded for each module, and {@code http_2xx} in every file.
	 */
	/** Headers whose values are credentials, masked in the module's text: Authorization, Cookie, X-Api-Key, X-Auth-Token... */
	private static final Pattern CREDENTIAL_HEADER = Pattern.compile("(?i).*(auth|token|secret|passw|api-?key|cookie|session).*");

	public static final ProberKind<HttpOptions> KIND = ProberKind.of("http", HttpOptions::parse)
		.loading(HttpOptions::load)
		.withDefaultModule(ModuleFile.DEFAULT_MODULE, "prober: http\ntimeout: 5s\n")
		.withHostname(HttpOptions::withHost);

	public HttpOptions {
		validStatusCodes = Set.copyOf(validStatusCodes);
		validHttpVersions = List.copyOf(validHttpVersions);
		headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
		failIfBodyMatches = List.copyOf(failIfBodyMatches);
		failIfBodyNotMatches = List.copyOf(failIfBodyNotMatches);
		failIfHeaderMatches = List.copyOf(failIfHeaderMatches);
		failIfHeaderNotMatches = List.copyOf(failIfHeaderNotMatches);
		cel = (cel != null) ? cel : BodyCel.NONE;
	}

	/** These options with {@code codes} as {@code valid_status_codes}. */
	public HttpOptions withValidStatusCodes(Set<Integer> codes) {
		return new HttpOptions(codes, this.validHttpVersions, this.method, this.headers, this.body, this.bodyFile,
				this.followRedirects, this.failIfSsl, this.failIfNotSsl, this.failIfBodyMatches, this.failIfBodyNotMatches,
				this.failIfHeaderMatches, this.failIfHeaderNotMatches, this.bodySizeLimit, this.compression,
				this.ipProtocol, this.client, this.tls, this.tlsMaterial, this.enableHttp2, this.cel, this.sourceIpAddress, this.dnsServer,
				this.oauth2TlsMaterial);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public HttpOptions withTlsMaterial(TlsMaterial material) {
		return new HttpOptions(this.validStatusCodes, this.validHttpVersions, this.method, this.headers, this.body, this.bodyFile,
				this.followRedirects, this.failIfSsl, this.failIfNotSsl, this.failIfBodyMatches, this.failIfBodyNotMatches,
				this.failIfHeaderMatches, this.failIfHeaderNotMatches, this.bodySizeLimit, this.compression,
				this.ipProtocol, this.client, this.tls, material, this.enableHttp2, this.cel, this.sourceIpAddress, this.dnsServer,
				this.oauth2TlsMaterial);
	}

	/**
	 * The module's {@code tls_config} and {@code oauth2}'s own, loaded. Blocking I/O.
	 * @throws ModuleConfigException naming the file that cannot be used
	 */
	private static HttpOptions load(HttpOptions options, String key) {
		HttpOptions loaded = options.withTlsMaterial(TlsMaterial.load(options.tls(), key + ".tls_config"));
		OAuth2Config oauth2 = options.client().oauth2();
		if (oauth2 == null) {
			return loaded;
		}
		return new HttpOptions(loaded.validStatusCodes, loaded.validHttpVersions, loaded.method, loaded.headers, loaded.body,
				loaded.bodyFile, loaded.followRedirects, loaded.failIfSsl, loaded.failIfNotSsl, loaded.failIfBodyMatches,
				loaded.failIfBodyNotMatches, loaded.failIfHeaderMatches, loaded.failIfHeaderNotMatches, loaded.bodySizeLimit,
				loaded.compression, loaded.ipProtocol, loaded.client, loaded.tls, loaded.tlsMaterial, loaded.enableHttp2,
				loaded.cel, loaded.sourceIpAddress, loaded.dnsServer, TlsMaterial.load(oauth2.tls(), key + ".oauth2.tls_config"));
	}

	/**
	 * {@code /probe?hostname=}, as blackbox_exporter's {@code setHTTPHost}: the Host header (and so the
	 * TLS server name, unless {@code server_name} is set).
	 * @throws IllegalArgumentException when the module sets another Host header, with blackbox_exporter's message
	 */
	HttpOptions withHost(String hostname) {
		Map<String, String> withHost = new LinkedHashMap<>();
		this.headers.forEach((name, value) -> {
			if (name.equalsIgnoreCase("Host") && !value.equals(hostname)) {
				throw new IllegalArgumentException("host header defined both in module configuration (" + value
						+ ") and with URL-parameter 'hostname' (" + hostname + ")");
			}
			if (!name.equalsIgnoreCase("Host")) {
				withHost.put(name, value);
			}
		});
		withHost.put("Host", hostname);
		return new HttpOptions(this.validStatusCodes, this.validHttpVersions, this.method, withHost, this.body, this.bodyFile,
				this.followRedirects, this.failIfSsl, this.failIfNotSsl, this.failIfBodyMatches, this.failIfBodyNotMatches,
				this.failIfHeaderMatches, this.failIfHeaderNotMatches, this.bodySizeLimit, this.compression,
				this.ipProtocol, this.client, this.tls, this.tlsMaterial, this.enableHttp2, this.cel, this.sourceIpAddress, this.dnsServer,
				this.oauth2TlsMaterial);
	}

	/**
	 * The name TLS sends and verifies: {@code server_name}, else the Host header's value (blackbox_exporter
	 * uses it so that a target given as an IP address still verifies), else {@code null} for the URL's host.
	 */
	String serverName() {
		if (this.tls.serverName() != null) {
			return this.tls.serverName();
		}
		for (Map.Entry<String, String> header : this.headers.entrySet()) {
			if (header.getKey().equalsIgnoreCase("Host")) {
				String host = header.getValue();
				// a Host header may carry a port; the server name is the name alone
				return host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
						: (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) ? host.substring(0, host.indexOf(':')) : host;
			}
		}
		return null;
	}

	/** User name of {@code basic_auth} as the module file loaded, or {@code null}. */
	public String basicAuthUser() {
		return (this.client.username() != null) ? this.client.username().loaded().reveal() : null;
	}

	/** Password of {@code basic_auth} as the module file loaded, {@code null} without {@code basic_auth}. */
	public Secret basicAuthPassword() {
		return (this.client.password() != null) ? this.client.password().loaded() : null;
	}

	/** {@code bearer_token} (or {@code bearer_token_file}'s content as loaded), or {@code null}. */
	public Secret bearerToken() {
		return (this.client.credentials() != null && "Bearer".equals(this.client.authorizationType()))
				? this.client.credentials().loaded() : null;
	}

	/** Whether a probe reads files for its request ({@code body_file}, credentials' files): then off its loop thread. */
	boolean readsFiles() {
		return this.bodyFile != null || this.client.readsFiles();
	}

	/** Whether {@code status} counts as success. */
	public boolean validStatus(int status) {
		return this.validStatusCodes.isEmpty() ? (status >= 200 && status < 300) : this.validStatusCodes.contains(status);
	}

	/** Whether the body must be kept to be matched or parsed. */
	boolean needsBody() {
		return needsRegexps() || this.cel.any();
	}

	/** Whether the body is matched by {@code fail_if_body_matches_regexp} or {@code ..._not_matches_regexp}. */
	boolean needsRegexps() {
		return !this.failIfBodyMatches.isEmpty() || !this.failIfBodyNotMatches.isEmpty();
	}

	static HttpOptions parse(YamlSection s, ModuleFiles files) {
		s.unsupported("not implemented", "enable_http3")
			.unsupported("credentials come from the module file or *_file", "credentials_file");
		Set<Integer> codes = new HashSet<>();
		List<Object> rawCodes = s.list("valid_status_codes");
		for (int i = 0; i < rawCodes.size(); i++) {
			if (!(rawCodes.get(i) instanceof Integer code) || code < 100 || code > 999) {
				throw new ModuleConfigException(s.key("valid_status_codes") + "[" + i + "]",
						"must be a status code from 100 to 999, was '" + rawCodes.get(i) + "'");
			}
			codes.add(code);
		}
		String method = s.string("method", "GET").toUpperCase(Locale.ROOT);
		if (!method.matches("[A-Z]+")) {
			throw new ModuleConfigException(s.key("method"), "must be an HTTP method such as GET or POST, was '" + method + "'");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		YamlSection headerSection = s.section("headers");
		for (String name : headerSection.keys()) {
			Secret credential = CREDENTIAL_HEADER.matcher(name).matches() ? headerSection.secret(name) : null;
			String value = (credential != null) ? credential.reveal() : headerSection.string(name, "");
			if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
				throw new ModuleConfigException(headerSection.key(name), "is not a valid header name and value");
			}
			headers.put(name, value);
		}
		boolean follow = s.bool("follow_redirects", !s.bool("no_follow_redirects", false));
		String compression = s.string("compression", "").toLowerCase(Locale.ROOT);
		if (!compression.isEmpty() && !Set.of("gzip", "br", "deflate", "identity").contains(compression)) {
			throw new ModuleConfigException(s.key("compression"),
					"must be gzip, br, deflate or identity, was '" + compression + "'");
		}
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (header.getKey().equalsIgnoreCase("Accept-Encoding") && !acceptEncodingCovers(compression, header.getValue())) {
				throw new ModuleConfigException(s.key("headers"), "invalid configuration \"" + header.getKey() + ": "
						+ header.getValue() + "\", \"compression: " + compression + "\"");
			}
		}
		IpPreference ip = IpPreference.parse(s);
		HttpClientConfig client = HttpClientConfig.parse(s, files);
		String body = s.string("body", null);
		NamedFile bodyFile = NamedFile.parse(s, "body_file", files);
		if (body != null && !body.isEmpty() && bodyFile != null) {
			throw new ModuleConfigException(s.key("body_file"), "setting body and body_file both are not allowed");
		}
		HttpOptions probe = new HttpOptions(codes, s.strings("valid_http_versions"), method, headers,
				body, bodyFile, follow, s.bool("fail_if_ssl", false), s.bool("fail_if_not_ssl", false),
				s.regexps("fail_if_body_matches_regexp"), s.regexps("fail_if_body_not_matches_regexp"),
				headerMatches(s, "fail_if_header_matches"), headerMatches(s, "fail_if_header_not_matches"),
				s.size("body_size_limit"), compression.equals("identity") ? "" : compression, ip,
				client, TlsConfig.parse(s.section("tls_config"), files), null, s.bool("enable_http2", true),
				BodyCel.parse(s), IpLiteral.sourceIpAddress(s), DnsServer.parse(s), null);
		for (String version : probe.validHttpVersions) {
			if (!version.matches("HTTP/(1\\.0|1\\.1|2(\\.0)?|3(\\.0)?)")) {
				throw new ModuleConfigException(s.key("valid_http_versions"), "'" + version + "' is not HTTP/1.0, HTTP/1.1 or HTTP/2.0");
			}
		}
		s.finish();
		return probe;
	}

	/**
	 * blackbox_exporter's {@code isCompressionAcceptEncodingValid}: a module's {@code compression} must
	 * be among the encodings its own {@code Accept-Encoding} header accepts (by name or {@code *}, the
	 * first of them in order of quality deciding, with a quality above 0); no compression or no header
	 * is always right.
	 */
	static boolean acceptEncodingCovers(String compression, String acceptEncoding) {
		if (compression.isEmpty() || acceptEncoding.isEmpty()) {
			return true;
		}
		record Accepted(String encoding, double quality) {
		}
		List<Accepted> accepted = new ArrayList<>();
		for (String part : acceptEncoding.split(",", -1)) {
			int semicolon = part.lastIndexOf(';');
			double quality = 1.0;
			if (semicolon >= 0) {
				String q = part.substring(semicolon + 1).strip();
				try {
					quality = Math.round(Double.parseDouble(q.startsWith("q=") ? q.substring(2) : q) * 1000) / 1000.0;
				}
				catch (NumberFormatException ex) {
					quality = 0; // as Go's parse error
				}
			}
			accepted.add(new Accepted(((semicolon >= 0) ? part.substring(0, semicolon) : part).strip(), quality));
		}
		accepted.sort((a, b) -> Double.compare(b.quality(), a.quality())); // stable, as Go's SliceStable
		for (Accepted each : accepted) {
			if (each.encoding().equals(compression) || each.encoding().equals("*")) {
				return each.quality() > 0;
			}
		}
		return false;
	}

	private static List<HeaderMatch> headerMatches(YamlSection s, String name) {
		List<HeaderMatch> matches = new ArrayList<>();
		List<Object> items = s.list(name);
		for (int i = 0; i < items.size(); i++) {
			matches.add(HeaderMatch.parse(YamlSection.of(s.key(name) + "[" + i + "]", items.get(i))));
		}
		return matches;
	}

}
