package dev.asyncore.probe.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.asyncore.probe.probers.Probers;
import dev.asyncore.probe.tcp.TcpOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module files blackbox_exporter ships load here: Debian's stock file (0.23) and upstream's
 * newest example.yml and blackbox.yml (copies under src/test/resources with their source). What
 * this service does not implement loads and is marked, never ignored and never a startup error.
 */
class ModuleFileCompatibilityTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	@TempDir
	Path dir;

	private static String resource(String name) throws IOException {
		try (InputStream in = ModuleFileCompatibilityTest.class.getResourceAsStream(name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "debian-blackbox.yml", "upstream-blackbox.yml", "upstream-example.yml" })
	void blackboxExportersOwnFilesLoad(String name) throws IOException {
		ModuleFile file = ModuleFile.parse(resource(name), this.dir, KINDS);
		assertThat(file.modules()).hasSizeGreaterThan(8);
		// every module that cannot be probed says why; the rest can be
		file.unavailable().forEach((module, why) -> assertThat(why).as(module).contains("; its probes fail"));
	}

	@Test
	void debiansFileLoadsEveryModuleAsAProbe() throws IOException {
		ModuleFile file = ModuleFile.parse(resource("debian-blackbox.yml"), this.dir, KINDS);
		assertThat(file.unavailable()).isEmpty();
		// grpc and icmp are implemented (dev.asyncore.probe.grpc, dev.asyncore.probe.icmp)
		assertThat(file.module("icmp_ttl5").unavailable()).isNull();
		assertThat(file.module("grpc").unavailable()).isNull();
		assertThat(file.module("grpc_plain").options(dev.asyncore.probe.grpc.GrpcOptions.KIND).service()).isEqualTo("service1");
		assertThat(file.module("pop3s_banner").unavailable()).isNull();
	}

	@Test
	void upstreamsNewestFileMarksWebsocketHttp3AndTheOptionsItLacks() throws IOException {
		ModuleFile file = ModuleFile.parse(resource("upstream-blackbox.yml"), this.dir, KINDS);
		// the websocket prober is implemented (issue 25, dev.asyncore.probe.websocket)
		assertThat(file.module("websocket").unavailable()).isNull();
		assertThat(file.module("http_3xx").unavailable()).contains("modules.http_3xx.http.enable_http3");
		ModuleFile example = ModuleFile.parse(resource("upstream-example.yml"), this.dir, KINDS);
		// the proxy options are implemented (issue 25): those modules are probed
		assertThat(example.module("http_with_proxy").unavailable()).isNull();
		ProxyConfig proxy = example.module("http_with_proxy").options(dev.asyncore.probe.http.HttpOptions.KIND).client().proxy();
		assertThat(proxy.url().reveal()).isEqualTo("http://127.0.0.1:3128");
		assertThat(proxy.skipResolve()).isTrue();
		assertThat(example.module("http_with_proxy_and_headers").unavailable()).isNull();
		assertThat(example.module("http_with_proxy_and_headers").options(dev.asyncore.probe.http.HttpOptions.KIND).client()
			.proxy().connectHeaders()).containsExactly(Map.entry("Proxy-Authorization", Secret.of("Bearer token")));
		// fail_if_body_json_*_cel is implemented (issue 25): the module's expression compiled at load
		assertThat(example.module("http_json_cel_match").unavailable()).isNull();
		assertThat(example.module("http_json_cel_match").options(dev.asyncore.probe.http.HttpOptions.KIND).cel().notMatches().text())
			.isEqualTo("body.foo == 'bar' && body.baz.startsWith('q')");
		assertThat(example.module("unix_socket_ping").unavailable()).as("the unix prober is implemented (issue 25)").isNull();
		// http_headers is implemented (issue 25): the module that sets it is probed
		assertThat(example.module("http_2xx_example").unavailable()).isNull();
		assertThat(example.module("http_2xx_example").options(dev.asyncore.probe.http.HttpOptions.KIND).client().httpHeaders())
			.isNotEmpty();
		assertThat(example.module("tls_connect").unavailable()).isNull();
	}

	@Test
	void theRepositorysOwnModuleFileLoadsWithoutItsCaFileAndTheModuleSaysWhatIsMissing() throws IOException {
		// config/blackbox.yml names /etc/asyncore/ca.pem, which a laptop does not have; blackbox_exporter says ok
		ModuleFile file = ModuleFile.read(Path.of("config/blackbox.yml"), KINDS);
		assertThat(file.module("https_private_ca").pending()).isNotNull();
		assertThat(file.unavailable().get("https_private_ca")).contains("modules.https_private_ca.http.tls_config.ca_file",
				"/etc/asyncore/ca.pem", "its probes fail until it can be read");
	}

	@Test
	void binaryValuesBecomeTheirBytes() throws IOException {
		ModuleFile file = ModuleFile.parse(resource("upstream-blackbox.yml"), this.dir, KINDS);
		QueryResponse first = file.module("postgresql").options(TcpOptions.KIND).queryResponse().get(0);
		// 0x00 0x00 0x00 0x08 0x04 0xD2 0x16 0x2F, PostgreSQL's SSLRequest; never the text "[B@..."
		assertThat(first.sendBytes()).containsExactly(0, 0, 0, 8, 4, 0xD2, 0x16, 0x2F);
		assertThat(first.send()).doesNotContain("[B@");
	}

	@Test
	void anUnimplementedProbersSectionIsStillCheckedForTypos() {
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: icmp\n    icmp:\n      tll: 5\n", null, KINDS))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessage("modules.m.icmp.tll: unknown key");
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: sctp\n", null, KINDS))
			.hasMessageContaining("unknown prober 'sctp'");
	}

	@Test
	void hostnameSetsTheTcpServerNameUnlessTheModuleSetsOneAndIsTheHttpHostHeader() {
		ModuleFile file = ModuleFile.parse("modules:\n  own:\n    prober: tcp\n    tcp:\n      tls: true\n"
				+ "      tls_config: {server_name: fixed.example}\n  web:\n    prober: http\n", null, KINDS);
		assertThat(file.module("tcp_connect").withHostname("vhost.example").options(TcpOptions.KIND).tlsConfig().serverName())
			.isEqualTo("vhost.example");
		assertThat(file.module("own").withHostname("vhost.example").options(TcpOptions.KIND).tlsConfig().serverName())
			.isEqualTo("fixed.example");
		assertThat(file.module("web").withHostname("vhost.example").options(dev.asyncore.probe.http.HttpOptions.KIND).headers())
			.containsEntry("Host", "vhost.example");
		assertThat(file.module("tcp_connect").withHostname("").options(TcpOptions.KIND).tlsConfig().serverName()).isNull();
	}

	@Test
	void anOptionSetToItsDefaultIsNoReasonToRefuseProbes() {
		ModuleFile file = ModuleFile.parse(
				"modules:\n  m:\n    prober: http\n    http:\n      enable_http3: false\n      enable_http2: false\n", null, KINDS);
		assertThat(file.module("m").unavailable()).isNull();
	}

	@Test
	void filesAModuleNamesAreReadWhenAProbeNeedsThemAsBlackboxExporterDoes() throws IOException {
		String yaml = "modules:\n  m:\n    prober: http\n    http:\n      tls_config:\n        ca_file: ca.pem\n"
				+ "  p:\n    prober: http\n    http:\n      basic_auth:\n        username: u\n        password_file: pw\n";
		ModuleFile file = ModuleFile.parse(yaml, this.dir, KINDS);
		assertThat(file.module("m").pending()).isNotNull();
		assertThatThrownBy(() -> file.module("m").withFiles()).isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining("modules.m.http.tls_config.ca_file").hasMessageContaining("ca.pem");
		assertThatThrownBy(() -> file.module("p").withFiles()).hasMessageContaining("modules.p.http.basic_auth.password_file");
		assertThat(file.unavailable()).containsOnlyKeys("m", "p");
		Files.writeString(this.dir.resolve("pw"), "sesame\n");
		assertThat(file.module("p").withFiles().options(dev.asyncore.probe.http.HttpOptions.KIND).basicAuthPassword().reveal())
			.isEqualTo("sesame");
	}

}
