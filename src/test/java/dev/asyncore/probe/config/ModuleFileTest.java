package dev.asyncore.probe.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.asyncore.probe.http.HttpOptions;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleFileTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final String FILE = """
			modules:
			  web:
			    prober: http
			    timeout: 1m30s
			    http:
			      valid_status_codes: [200, 204]
			      valid_http_versions: ["HTTP/1.1"]
			      method: post
			      headers:
			        X-Probe: yes-please
			      body: '{"ping":1}'
			      follow_redirects: false
			      fail_if_not_ssl: true
			      fail_if_body_matches_regexp: ["error"]
			      fail_if_body_not_matches_regexp: ["ok"]
			      fail_if_header_matches:
			        - header: Server
			          regexp: "^Apache"
			          allow_missing: true
			      body_size_limit: 1MB
			      compression: gzip
			      preferred_ip_protocol: ip4
			      ip_protocol_fallback: false
			      basic_auth:
			        username: prober
			        password: secret
			      tls_config:
			        insecure_skip_verify: true
			        server_name: internal.example
			        min_version: TLS12
			""";

	@Test
	void whenBlackboxOptionsAreGivenThenEveryOneIsRead() {
		ModuleFile file = ModuleFile.parse(FILE, null, KINDS);
		Module<?> web = file.module("web");
		HttpOptions http = web.options(HttpOptions.KIND);
		assertThat(web.timeout()).isEqualTo(Duration.ofSeconds(90));
		assertThat(http.validStatusCodes()).containsExactlyInAnyOrder(200, 204);
		assertThat(http.validStatus(204)).isTrue();
		assertThat(http.validStatus(201)).isFalse();
		assertThat(http.validHttpVersions()).containsExactly("HTTP/1.1");
		assertThat(http.method()).isEqualTo("POST");
		assertThat(http.headers()).containsEntry("X-Probe", "yes-please");
		assertThat(http.body()).isEqualTo("{\"ping\":1}");
		assertThat(http.followRedirects()).isFalse();
		assertThat(http.failIfNotSsl()).isTrue();
		assertThat(http.failIfBodyMatches()).hasSize(1);
		assertThat(http.failIfHeaderMatches().get(0).allowMissing()).isTrue();
		assertThat(http.bodySizeLimit()).isEqualTo(1 << 20);
		assertThat(http.compression()).isEqualTo("gzip");
		assertThat(http.ipProtocol().preferred()).isEqualTo(IpProtocol.IP4);
		assertThat(http.ipProtocol().fallback()).isFalse();
		assertThat(http.basicAuthUser()).isEqualTo("prober");
		assertThat(http.tls().insecureSkipVerify()).isTrue();
		assertThat(http.tls().serverName()).isEqualTo("internal.example");
		assertThat(http.tls().minVersion()).isEqualTo("TLS12");
		assertThat(web.text()).contains("prober: http");
	}

	@Test
	void whenTheFileOmitsHttp2xxThenItExistsWithBlackboxDefaults() {
		ModuleFile file = ModuleFile.parse("modules:\n  other:\n    prober: http\n", null, KINDS);
		HttpOptions http = file.module(ModuleFile.DEFAULT_MODULE).options(HttpOptions.KIND);
		assertThat(http.validStatus(299)).isTrue();
		assertThat(http.followRedirects()).isTrue();
		assertThat(http.ipProtocol().preferred()).isEqualTo(IpProtocol.IP6);
		assertThat(file.module("other").timeout()).isZero();
	}

	@Test
	void whenAKeyIsMisspeltThenTheErrorNamesIt() {
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n      valid_status_code: [200]\n", null, KINDS))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessage("modules.m.http.valid_status_code: unknown key");
	}

	@Test
	void whenAModuleLevelKeyIsMisspeltThenTheErrorNamesIt() {
		// the module's text used to be rendered by reading every key, which let any module-level key pass
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: http\n    timout: 5s\n", null, KINDS))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessage("modules.m.timout: unknown key");
	}

	@Test
	void whenAnUnsupportedBlackboxOptionIsUsedThenTheModuleSaysSo() {
		// issue 26: such a module loads (blackbox_exporter's own files have them) and each probe fails saying why
		assertThat(ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n      enable_http3: true\n", null, KINDS)
			.module("m").unavailable()).startsWith("blackbox_exporter option modules.m.http.enable_http3: not implemented")
			.endsWith("is not implemented by this service");
		List<ProberKind<?>> withoutWebsocket = KINDS.stream().filter(kind -> !kind.name().equals("websocket")).toList();
		assertThat(ModuleFile.parse("modules:\n  m:\n    prober: websocket\n", null, withoutWebsocket).unavailable().get("m"))
			.contains("prober websocket").contains("does not implement");
		assertThat(ModuleFile.parse("modules:\n  m:\n    prober: websocket\n", null, KINDS).unavailable())
			.as("websocket is a prober of the standard table").isEmpty();
	}

	@Test
	void whenValuesAreInvalidThenEachErrorNamesTheKey() {
		assertThatThrownBy(() -> parseHttp("fail_if_body_matches_regexp: ['(']"))
			.hasMessageStartingWith("modules.m.http.fail_if_body_matches_regexp[0]: is not a valid regular expression");
		assertThatThrownBy(() -> parseHttp("valid_status_codes: [42]"))
			.hasMessageStartingWith("modules.m.http.valid_status_codes[0]");
		assertThatThrownBy(() -> parseHttp("preferred_ip_protocol: ip5"))
			.hasMessageStartingWith("modules.m.http.preferred_ip_protocol");
		assertThatThrownBy(() -> parseHttp("tls_config: {cert_file: /x.pem}"))
			.hasMessageStartingWith("modules.m.http.tls_config.cert_file");
		// issue 26: a file the module names is read when a probe needs it, as blackbox_exporter does
		assertThatThrownBy(() -> parseHttp("tls_config: {ca_file: /does/not/exist.pem}").module("m").withFiles())
			.hasMessageStartingWith("modules.m.http.tls_config.ca_file");
		assertThatThrownBy(() -> parseHttp("body_size_limit: lots"))
			.hasMessageStartingWith("modules.m.http.body_size_limit");
		// blackbox_exporter's units.Base2Bytes needs a unit: its config check refuses 128 (issue 25)
		assertThatThrownBy(() -> parseHttp("body_size_limit: 128"))
			.hasMessageStartingWith("modules.m.http.body_size_limit: '128' is not a size")
			.hasMessageContaining("units: unknown unit  in 128");
		assertThat(parseHttp("body_size_limit: 128B").module("m").options(HttpOptions.KIND).bodySizeLimit()).isEqualTo(128);
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: http\n    timeout: soon\n", null, KINDS))
			.hasMessageStartingWith("modules.m.timeout");
		assertThatThrownBy(() -> ModuleFile.parse("modules: [a, b]\n", null, KINDS)).hasMessageStartingWith("modules: must be a mapping");
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m: {prober: http\n", null, KINDS)).hasMessageStartingWith("(file): is not valid YAML");
	}

	@Test
	void relativeFilesAreReadFromTheModuleFilesDirectory(@TempDir Path dir)
			throws Exception {
		Files.writeString(dir.resolve("token"), "s3cret\n");
		Path file = dir.resolve("blackbox.yml");
		Files.writeString(file, "modules:\n  m:\n    prober: http\n    http:\n      bearer_token_file: token\n");
		assertThat(ModuleFile.read(file, KINDS).module("m").options(HttpOptions.KIND).bearerToken().reveal()).isEqualTo("s3cret");
		Files.writeString(file, "modules:\n  m:\n    prober: http\n    http:\n      tls_config: {ca_file: ca.pem}\n");
		// issue 26: read when a probe needs it, as blackbox_exporter does
		assertThatThrownBy(() -> ModuleFile.read(file, KINDS).module("m").withFiles())
			.hasMessageStartingWith("modules.m.http.tls_config.ca_file")
			.hasMessageContaining(dir.resolve("ca.pem").toString());
	}

	@Test
	void whenPreferredIpProtocolIsEmptyThenAnHttpModuleLoadsPreferringIp6WithFallback() {
		// blackbox_exporter reads "" as its default for every prober; this failed for http before
		HttpOptions http = parseHttp("preferred_ip_protocol: \"\"").module("m").options(HttpOptions.KIND);
		assertThat(http.ipProtocol()).isEqualTo(new IpPreference(IpProtocol.IP6, true));
	}

	private static ModuleFile parseHttp(String option) {
		return ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n      " + option + "\n", null, KINDS);
	}

	@Test
	void timeoutIsTheScrapeTimeoutLessTheOffsetCappedByTheModule() {
		Module<?> five = ModuleFile.defaults(KINDS).module("http_2xx");
		assertThat(five.effectiveTimeout(-1, Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(5));
		assertThat(five.effectiveTimeout(3, Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(2500));
		assertThat(five.effectiveTimeout(10, Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(5));
		Module<?> open = ModuleFile.parse("modules:\n  m:\n    prober: http\n", null, KINDS).module("m");
		assertThat(open.effectiveTimeout(0, Duration.ZERO)).isEqualTo(Module.DEFAULT_TIMEOUT);
	}

	/** blackbox_exporter 0.23's answers, measured with its binary and offset 0.5 s; then the 120 s cap. */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			// header (0: none) | module timeout (0: none) | probe time (0: fails at once)
			"0|0|PT1M59.5S", "3|0|PT2.5S", "-5|0|PT0S", "0.2|0|PT0S", "0.5|0|PT0S", "NaN|0|PT0S", "Infinity|0|PT0S",
			"-Infinity|0|PT0S", "1e308|0|PT0S", "9e18|0|PT0S", "9e9|0|PT2M", "300|0|PT2M", "120.5|0|PT2M",
			"0|5|PT5S", "2|5|PT1.5S", "-5|5|PT5S", "0.2|5|PT5S", "0.5|5|PT0S", "NaN|5|PT0S", "Infinity|5|PT5S", "-Infinity|5|PT5S",
			"1e308|5|PT5S", "9e18|5|PT5S", "0|300|PT1M59.5S", "200|300|PT3M19.5S", "1000|300|PT5M", "Infinity|300|PT5M" })
	void timeoutIsBlackboxExportersThenCappedAtTheModulesOrTwoMinutes(double header, int moduleSeconds, Duration expected) {
		Module<?> module = ModuleFile.parse("modules:\n  m:\n    prober: http\n"
				+ ((moduleSeconds > 0) ? "    timeout: " + moduleSeconds + "s\n" : ""), null, KINDS).module("m");
		assertThat(module.effectiveTimeout(header, Duration.ofMillis(500))).isEqualTo(expected);
	}

}
