package dev.asyncore.probe.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The credentials and extra headers of Prometheus's common HTTP client configuration, as a
 * blackbox_exporter http section embeds it: {@code basic_auth} ({@code username}, {@code password}
 * and their {@code *_file}s), {@code bearer_token} / {@code bearer_token_file}, {@code authorization}
 * ({@code type}, default {@code Bearer}; {@code credentials} / {@code credentials_file}) and
 * {@code http_headers} (per name, {@code values}, {@code secrets} and {@code files}), with
 * Prometheus's rules of which may go together. Files are read each time a probe needs them
 * ({@link #headers}), as Prometheus reads them for each request. Immutable; any thread.
 *
 * @param username {@code basic_auth}'s user name; {@code null} without {@code basic_auth}
 * @param password {@code basic_auth}'s password; {@code null} without {@code basic_auth}
 * @param authorizationType the {@code Authorization} scheme of {@code credentials} ({@code Bearer}
 * for {@code bearer_token})
 * @param credentials {@code authorization}'s credentials or the bearer token, or {@code null}
 * @param httpHeaders {@code http_headers} as name and value, in file order (each value, secret, then file)
 * @param proxy the proxy options ({@link ProxyConfig#NONE} for none)
 * @param oauth2 {@code oauth2}, or {@code null}: its token is fetched by the prober, not set here
 */
public record HttpClientConfig(SecretSource username, SecretSource password, String authorizationType,
		SecretSource credentials, List<Map.Entry<String, SecretSource>> httpHeaders, ProxyConfig proxy,
		OAuth2Config oauth2) {

	/** No credentials, no extra headers, no proxy. */
	public static final HttpClientConfig NONE = new HttpClientConfig(null, null, null, null, List.of(), ProxyConfig.NONE,
			null);

	/** Prometheus's {@code ReservedHeaders}: {@code http_headers} may not set them. */
	private static final Set<String> RESERVED = Set.of("Authorization", "Host", "Content-Encoding", "Content-Length",
			"Content-Type", "User-Agent", "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
			"Www-Authenticate", "Accept-Encoding", "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version",
			"X-Prometheus-Scrape-Timeout-Seconds", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256");

	public HttpClientConfig {
		httpHeaders = List.copyOf(httpHeaders);
	}

	/**
	 * Reads these options from an http section (the section's other keys are left to its prober).
	 * @throws ModuleConfigException with Prometheus's reason when options that exclude each other are set
	 */
	public static HttpClientConfig parse(YamlSection s, ModuleFiles files) {
		SecretSource username = null;
		SecretSource password = null;
		YamlSection basic = s.section("basic_auth");
		if (basic.present()) {
			username = SecretSource.parse(basic, "username", "username_file", files, false);
			password = SecretSource.parse(basic, "password", "password_file", files);
			username = (username != null) ? username : SecretSource.of(basic.key("username"), Secret.of(""));
			password = (password != null) ? password : SecretSource.of(basic.key("password"), Secret.of(""));
			basic.finish();
		}
		SecretSource bearer = SecretSource.parse(s, "bearer_token", "bearer_token_file", files);
		if (bearer != null && basic.present()) {
			throw new ModuleConfigException(bearer.key(),
					"at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
		}
		String type = (bearer != null) ? "Bearer" : null;
		SecretSource credentials = bearer;
		YamlSection authorization = s.section("authorization");
		if (authorization.present()) {
			if (bearer != null) {
				throw new ModuleConfigException(authorization.path(),
						"authorization is not compatible with bearer_token & bearer_token_file");
			}
			type = authorization.string("type", "").strip();
			type = type.isEmpty() ? "Bearer" : type;
			if (type.equalsIgnoreCase("basic")) {
				throw new ModuleConfigException(authorization.key("type"),
						"authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
			}
			if (basic.present()) {
				throw new ModuleConfigException(authorization.path(),
						"at most one of basic_auth, oauth2 & authorization must be configured");
			}
			credentials = SecretSource.parse(authorization, "credentials", "credentials_file", files);
			authorization.finish();
		}
		OAuth2Config oauth2 = OAuth2Config.parse(s, files);
		if (oauth2 != null && (basic.present() || credentials != null || authorization.present())) {
			throw new ModuleConfigException(s.key("oauth2"), (bearer != null)
					? "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"
					: "at most one of basic_auth, oauth2 & authorization must be configured");
		}
		return new HttpClientConfig(username, password, type, credentials, httpHeaders(s.section("http_headers"), files),
				ProxyConfig.parse(s), oauth2);
	}

	/**
	 * Prometheus's {@code Headers} alone ({@code Name: {values, secrets, files}}, as the websocket
	 * prober's {@code headers} has them): a configuration with no credentials and these headers.
	 */
	public static HttpClientConfig headersOnly(YamlSection section, ModuleFiles files) {
		return new HttpClientConfig(null, null, null, null, httpHeaders(section, files), ProxyConfig.NONE, null);
	}

	private static List<Map.Entry<String, SecretSource>> httpHeaders(YamlSection section, ModuleFiles files) {
		List<Map.Entry<String, SecretSource>> headers = new ArrayList<>();
		for (String name : section.keys()) {
			String canonical = canonical(name);
			if (RESERVED.contains(canonical)) {
				throw new ModuleConfigException(section.key(name), "setting header \"" + canonical + "\" is not allowed");
			}
			if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
				throw new ModuleConfigException(section.key(name), "is not a valid header name");
			}
			YamlSection header = section.section(name);
			for (String value : header.strings("values")) {
				headers.add(Map.entry(name, SecretSource.of(header.key("values"), Secret.of(value))));
			}
			for (Secret secret : header.secretList("secrets")) {
				headers.add(Map.entry(name, SecretSource.of(header.key("secrets"), secret)));
			}
			List<String> paths = header.strings("files");
			for (int i = 0; i < paths.size(); i++) {
				String key = header.key("files") + "[" + i + "]";
				headers.add(Map.entry(name,
						new SecretSource(key, Secret.of(files.read(key, paths.get(i)).strip()), files.path(paths.get(i)))));
			}
			header.finish();
		}
		return headers;
	}

	/** Go's {@code http.CanonicalHeaderKey}: {@code x-api-key} is {@code X-Api-Key}. */
	private static String canonical(String name) {
		StringBuilder text = new StringBuilder(name.length());
		boolean upper = true;
		for (char c : name.toCharArray()) {
			text.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
			upper = c == '-';
		}
		return text.toString();
	}

	/** Whether {@link #headers} reads files (then a probe reads them off its loop thread). */
	public boolean readsFiles() {
		return Stream.concat(Stream.of(this.username, this.password, this.credentials,
				(this.oauth2 != null) ? this.oauth2.clientSecret() : null),
				this.httpHeaders.stream().map(Map.Entry::getValue))
			.anyMatch(source -> source != null && source.fromFile());
	}

	/**
	 * The headers a request gets: {@code Authorization} from {@code basic_auth} or {@code authorization}
	 * (unless the module's own headers set one, as Prometheus leaves a request's own header), then the
	 * {@code http_headers}. Blocking I/O when {@link #readsFiles()}: the files are read now.
	 * @param authorizationSet whether the request already has an {@code Authorization} header
	 * @throws ModuleConfigException naming the option and the file that cannot be read
	 */
	public List<Map.Entry<String, String>> headers(boolean authorizationSet) {
		List<Map.Entry<String, String>> headers = new ArrayList<>();
		if (!authorizationSet && this.username != null) {
			String pair = this.username.current().reveal() + ":" + this.password.current().reveal();
			headers.add(Map.entry("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
		}
		else if (!authorizationSet && this.authorizationType != null) {
			String value = (this.credentials != null) ? this.credentials.current().reveal() : "";
			headers.add(Map.entry("Authorization", this.authorizationType + " " + value));
		}
		for (Map.Entry<String, SecretSource> header : this.httpHeaders) {
			String value = header.getValue().current().reveal();
			if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
				throw new ModuleConfigException(header.getValue().key(), "holds a line break, which a header value cannot");
			}
			headers.add(Map.entry(header.getKey(), value));
		}
		return headers;
	}

}
