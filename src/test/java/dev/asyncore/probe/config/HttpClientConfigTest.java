package dev.asyncore.probe.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.asyncore.probe.http.HttpOptions;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The credentials and extra headers of Prometheus's HTTP client configuration in an http module:
 * {@code basic_auth}'s files, {@code authorization}, {@code bearer_token_file}, {@code http_headers},
 * {@code body_file}; Prometheus's rules of which go together; what is shown of them.
 */
class HttpClientConfigTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	@TempDir
	Path dir;

	private ModuleFile parse(String http) {
		return ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n" + http.indent(6), this.dir, KINDS);
	}

	private HttpClientConfig client(String http) {
		return parse(http).module("m").options(HttpOptions.KIND).client();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			basic_auth: {username: u, password: p}\\nauthorization: {credentials: c} | modules.m.http.authorization | at most one of basic_auth, oauth2 & authorization must be configured
			bearer_token: t\\nauthorization: {credentials: c}                     | modules.m.http.authorization | authorization is not compatible with bearer_token & bearer_token_file
			bearer_token: t\\nbasic_auth: {username: u}                            | modules.m.http.bearer_token | at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured
			bearer_token_file: t\\nbasic_auth: {username: u}                       | modules.m.http.bearer_token_file | at most one of basic_auth, oauth2, bearer_token & bearer_token_file
			authorization: {credentials: c, credentials_file: f}                  | modules.m.http.authorization.credentials_file | at most one of credentials & credentials_file must be configured
			authorization: {type: basic, credentials: c}                          | modules.m.http.authorization.type | authorization type cannot be set to "basic", use "basic_auth" instead
			basic_auth: {username: u, username_file: f}                           | modules.m.http.basic_auth.username_file | at most one of username & username_file must be configured
			authorization: {credentails: c}                                       | modules.m.http.authorization.credentails | unknown key
			http_headers: {authorization: {values: [x]}}                          | modules.m.http.http_headers.authorization | setting header "Authorization" is not allowed
			http_headers: {user-agent: {values: [x]}}                             | modules.m.http.http_headers.user-agent | setting header "User-Agent" is not allowed
			http_headers: {X-A: {value: [x]}}                                     | modules.m.http.http_headers.X-A.value | unknown key
			http_headers: {X-A: {values: x}}                                      | modules.m.http.http_headers.X-A.values | must be a list
			tls_config: {ca: x, ca_file: f}                                       | modules.m.http.tls_config.ca | at most one of ca & ca_file must be configured
			tls_config: {cert: x}                                                 | modules.m.http.tls_config.cert | exactly one of key or key_file must be configured
			tls_config: {key: x}                                                  | modules.m.http.tls_config.key | exactly one of cert or cert_file must be configured
			tls_config: {min_version: TLS13, max_version: TLS12}                  | modules.m.http.tls_config.max_version | tls_config.max_version must be greater than or equal to tls_config.min_version
			body: x\\nbody_file: f                                                | modules.m.http.body_file | setting body and body_file both are not allowed
			proxy_connect_header: {X-A: [x]}                                      | modules.m.http.proxy_connect_header | if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured
			proxy_from_environment: true\\nproxy_url: http://p:1                    | modules.m.http.proxy_from_environment | if proxy_from_environment is configured, proxy_url must not be configured
			proxy_from_environment: true\\nno_proxy: a.example                      | modules.m.http.proxy_from_environment | if proxy_from_environment is configured, no_proxy must not be configured
			no_proxy: a.example                                                   | modules.m.http.no_proxy | if no_proxy is configured, proxy_url must also be configured
			oauth2: {client_secret: s, token_url: "http://t/"}                    | modules.m.http.oauth2.client_id | oauth2 client_id must be configured
			oauth2: {client_id: c, token_url: "http://t/"}                        | modules.m.http.oauth2.client_secret | either oauth2 client_secret or client_secret_file must be configured
			oauth2: {client_id: c, client_secret: s}                              | modules.m.http.oauth2.token_url | oauth2 token_url must be configured
			oauth2: {client_id: c, client_secret: s, client_secret_file: f, token_url: "http://t/"} | modules.m.http.oauth2.client_secret_file | at most one of client_secret & client_secret_file must be configured
			bearer_token: t\\noauth2: {client_id: c, client_secret: s, token_url: "http://t/"} | modules.m.http.oauth2 | at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured
			basic_auth: {username: u}\\noauth2: {client_id: c, client_secret: s, token_url: "http://t/"} | modules.m.http.oauth2 | at most one of basic_auth, oauth2 & authorization must be configured
			proxy_url: "::"                                                       | modules.m.http.proxy_url | is not a URL
			""")
	void whenOptionsThatExcludeEachOtherAreSetThenTheFileIsRefusedNamingTheModuleAndPrometheusRule(String http,
			String key, String reason) {
		assertThatThrownBy(() -> parse(http.replace("\\n", "\n"))).isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining(key + ": " + reason);
	}

	@Test
	void compressionMustBeAmongTheEncodingsTheModulesOwnAcceptEncodingAccepts() {
		// blackbox_exporter's isCompressionAcceptEncodingValid, its documented examples
		for (String accepted : List.of("br, gzip", "br;q=1.0, gzip;q=0.9", "*", "identity, *;q=0.5", "gzip")) {
			assertThat(parse("compression: gzip\nheaders: {Accept-Encoding: \"" + accepted + "\"}").module("m"))
				.as(accepted).isNotNull();
		}
		for (String refused : List.of("br, identity", "gzip;q=0", "br, *;q=0")) {
			assertThatThrownBy(() -> parse("compression: gzip\nheaders: {Accept-Encoding: \"" + refused + "\"}"))
				.as(refused).isInstanceOf(ModuleConfigException.class)
				.hasMessageContaining("modules.m.http.headers: invalid configuration \"Accept-Encoding: " + refused
						+ "\", \"compression: gzip\"");
		}
		assertThat(parse("headers: {Accept-Encoding: br}").module("m")).as("no compression: any header").isNotNull();
	}

	@Test
	void authorizationHasTypeBearerByDefaultAndBearerTokenIsItsShorthand() {
		HttpClientConfig inline = client("authorization: {credentials: c-1}");
		assertThat(inline.authorizationType()).isEqualTo("Bearer");
		assertThat(inline.headers(false)).containsExactly(Map.entry("Authorization", "Bearer c-1"));
		assertThat(client("authorization: {type: Token, credentials: c-2}").headers(false))
			.containsExactly(Map.entry("Authorization", "Token c-2"));
		assertThat(client("bearer_token: t-3").headers(false)).containsExactly(Map.entry("Authorization", "Bearer t-3"));
		assertThat(client("authorization: {type: Token, credentials: c-2}").headers(true)).as("the module's own header wins")
			.isEmpty();
	}

	@Test
	void credentialFilesAreReadAgainForEachRequestAndTrimmedAsPrometheusTrimsThem() throws Exception {
		Files.writeString(this.dir.resolve("user"), "  alice\n");
		Files.writeString(this.dir.resolve("pw"), "first\n");
		Files.writeString(this.dir.resolve("cred"), "c-1\n");
		HttpClientConfig basic = client("basic_auth: {username_file: user, password_file: pw}");
		HttpClientConfig authorization = client("authorization: {type: Token, credentials_file: cred}");
		assertThat(basic.readsFiles()).isTrue();
		assertThat(basic.headers(false)).containsExactly(Map.entry("Authorization", "Basic YWxpY2U6Zmlyc3Q=")); // alice:first
		assertThat(authorization.headers(false)).containsExactly(Map.entry("Authorization", "Token c-1"));
		Files.writeString(this.dir.resolve("pw"), "second");
		Files.writeString(this.dir.resolve("cred"), "c-2");
		assertThat(basic.headers(false)).containsExactly(Map.entry("Authorization", "Basic YWxpY2U6c2Vjb25k")); // alice:second
		assertThat(authorization.headers(false)).containsExactly(Map.entry("Authorization", "Token c-2"));
		Files.delete(this.dir.resolve("cred"));
		assertThatThrownBy(() -> authorization.headers(false)).isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining("modules.m.http.authorization.credentials_file")
			.hasMessageContaining(this.dir.resolve("cred").toString())
			.hasMessageContaining("no such file");
		assertThat(client("basic_auth: {username: u, password: p}").readsFiles()).isFalse();
	}

	@Test
	void httpHeadersSendValuesThenSecretsThenFilesUnderEachName() throws Exception {
		Files.writeString(this.dir.resolve("h"), "from-file\n");
		HttpClientConfig client = client("""
				http_headers:
				  X-One: {values: [a, b], secrets: [s], files: [h]}
				  x-two: {files: [h]}
				""");
		assertThat(client.headers(false)).containsExactly(Map.entry("X-One", "a"), Map.entry("X-One", "b"),
				Map.entry("X-One", "s"), Map.entry("X-One", "from-file"), Map.entry("x-two", "from-file"));
		Files.writeString(this.dir.resolve("h"), "line\nbreak");
		assertThatThrownBy(() -> client.headers(false)).hasMessageContaining("modules.m.http.http_headers.X-One.files[0]");
	}

	@Test
	void aMissingFileAtLoadLeavesTheModulePendingNamingTheFile() {
		ModuleFile file = parse("authorization: {credentials_file: nowhere}\nbody_file: body.json\n");
		assertThat(file.unavailable().get("m")).contains("modules.m.http.authorization.credentials_file", "nowhere",
				"no such file");
		assertThat(file.module("m").unavailable()).isNull();
		assertThat(file.module("m").options(HttpOptions.KIND).bodyFile())
			.isEqualTo(new NamedFile("modules.m.http.body_file", this.dir.resolve("body.json")));
	}

	@Test
	void oauth2sOwnTlsConfigAndProxyOptionsAreReadApartFromTheModulesAndMarkNothing() {
		String oauth2 = "oauth2: {client_id: c, client_secret: s, token_url: \"http://t/\", scopes: [a],"
				+ " tls_config: {insecure_skip_verify: true, server_name: token.example, min_version: TLS12},"
				+ " proxy_url: \"http://user:oauth-proxy-pw@proxy.example:3128\", no_proxy: direct.example,"
				+ " proxy_connect_header: {X-Key: [oauth-connect-tok]}}";
		Module<?> module = parse(oauth2).module("m");
		assertThat(module.unavailable()).isNull();
		HttpClientConfig client = module.options(HttpOptions.KIND).client();
		assertThat(client.oauth2().scopes()).containsExactly("a");
		assertThat(client.oauth2().tls()).isEqualTo(new TlsConfig(null, null, null, "token.example", true, "TLS12", null));
		assertThat(client.oauth2().proxy().url().reveal()).isEqualTo("http://user:oauth-proxy-pw@proxy.example:3128");
		assertThat(client.oauth2().proxy().noProxy()).isEqualTo("direct.example");
		assertThat(client.oauth2().proxy().connectHeaders()).singleElement()
			.satisfies(header -> assertThat(header.getValue().reveal()).isEqualTo("oauth-connect-tok"));
		assertThat(client.proxy()).as("the module's own proxy").isEqualTo(ProxyConfig.NONE);
		assertThat(module.options(HttpOptions.KIND).tls()).as("the module's own tls_config").isEqualTo(TlsConfig.DEFAULT);
		for (String shown : List.of(module.text(), module.config().toString(), module.toString(),
				module.options().toString())) {
			assertThat(shown).doesNotContain("oauth-proxy-pw", "oauth-connect-tok");
		}
		assertThat(client("oauth2: {client_id: c, client_secret: s, token_url: \"http://t/\"}").oauth2())
			.satisfies(plain -> assertThat(plain.tls()).isEqualTo(TlsConfig.DEFAULT))
			.satisfies(plain -> assertThat(plain.proxy()).isEqualTo(ProxyConfig.NONE));
	}

	@Test
	void aMissingOauth2CaFileAtLoadLeavesTheModulePendingNamingOauth2sKey() {
		ModuleFile file = parse("oauth2: {client_id: c, client_secret: s, token_url: \"https://t/\","
				+ " tls_config: {ca_file: nowhere.pem}}");
		assertThat(file.unavailable().get("m")).contains("modules.m.http.oauth2.tls_config.ca_file", "nowhere.pem",
				"does not exist");
		assertThat(file.module("m").unavailable()).isNull();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			no_proxy: a.example                                             | modules.m.http.oauth2.no_proxy | if no_proxy is configured, proxy_url must also be configured
			proxy_from_environment: true, proxy_url: "http://p:3128"        | modules.m.http.oauth2.proxy_from_environment | if proxy_from_environment is configured, proxy_url must not be configured
			proxy_connect_header: {X-Key: [k]}                              | modules.m.http.oauth2.proxy_connect_header | if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured
			skip_resolve_phase_with_proxy: true                             | modules.m.http.oauth2.skip_resolve_phase_with_proxy | unknown key
			tls_config: {cert_file: c.pem}                                  | modules.m.http.oauth2.tls_config.cert_file | exactly one of key or key_file must be configured
			tls_config: {ca: x, ca_file: y}                                 | modules.m.http.oauth2.tls_config.ca | at most one of ca & ca_file must be configured
			""")
	void oauth2sOwnTlsAndProxyOptionsFollowPrometheusRulesNamingTheirKeys(String extra, String key, String reason) {
		String oauth2 = "oauth2: {client_id: c, client_secret: s, token_url: \"http://t/\", " + extra + "}";
		assertThatThrownBy(() -> parse(oauth2)).isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining(key + ": " + reason);
	}

	@Test
	void proxyConnectHeadersAndAProxyPasswordAreSecretsWhereverTheModuleIsShown() {
		Module<?> module = parse("""
				proxy_url: http://user:proxy-pw-1@proxy.example:3128
				proxy_connect_header: {Proxy-Authorization: [Bearer connect-tok-2]}
				""").module("m");
		for (String shown : List.of(module.text(), module.config().toString(), module.toString(),
				module.options().toString())) {
			assertThat(shown).doesNotContain("proxy-pw-1", "connect-tok-2");
		}
		assertThat(module.text()).contains("proxy_url: <secret>", "- <secret>");
		assertThat(client("proxy_url: http://proxy.example:3128\nno_proxy: a.example").proxy().noProxy()).isEqualTo("a.example");
	}

	@Test
	void secretsAreShownAsSecretWhereverTheModuleIsShown() {
		ModuleFile file = parse("""
				authorization: {type: Token, credentials: cred-value-1}
				http_headers:
				  X-Key: {values: [plain-value], secrets: [hdr-value-2, hdr-value-3]}
				""");
		Module<?> module = file.module("m");
		for (String shown : List.of(module.text(), module.config().toString(), module.toString(),
				module.options().toString())) {
			assertThat(shown).doesNotContain("cred-value-1", "hdr-value-2", "hdr-value-3");
		}
		assertThat(module.text()).contains("credentials: <secret>", "- <secret>", "- plain-value");
		assertThatThrownBy(() -> parse("authorization: {credentials: cred-value-1, credentials_file: f}"))
			.satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("cred-value-1"));
	}

}
