package dev.asyncore.probe.tcp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.probe.udp.UdpOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tcp and udp sections of a module file, read strictly, and Go's capture expansion. */
class TcpModuleFileTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final String FILE = """
			modules:
			  smtp_starttls:
			    prober: tcp
			    timeout: 5s
			    tcp:
			      preferred_ip_protocol: ip4
			      ip_protocol_fallback: false
			      source_ip_address: 127.0.0.1
			      query_response:
			        - expect: "^220 ([^ ]+) ESMTP (.+)$"
			          labels:
			            - name: host
			              value: "${1}"
			        - send: "EHLO prober\\r"
			        - expect: "^250-STARTTLS"
			        - send: "STARTTLS\\r"
			        - expect: "^220"
			        - starttls: true
			        - expect_bytes: "250"
			      tls_config:
			        insecure_skip_verify: true
			  ssh_banner:
			    prober: tcp
			    tcp:
			      tls: true
			      query_response:
			        - expect: "^SSH-2.0-"
			  udp_echo:
			    prober: udp
			    timeout: 2s
			    udp:
			      query_response:
			        - send: "ping"
			        - expect: "^ping$"
			""";

	@Test
	void whenTcpOptionsAreGivenThenEveryOneIsRead() {
		ModuleFile file = ModuleFile.parse(FILE, null, KINDS);
		Module<?> smtp = file.module("smtp_starttls");
		assertThat(smtp.kind().name()).isEqualTo("tcp");
		assertThat(smtp.timeout()).isEqualTo(Duration.ofSeconds(5));
		TcpOptions tcp = smtp.options(TcpOptions.KIND);
		assertThat(tcp.ipProtocol().preferred()).isEqualTo(IpProtocol.IP4);
		assertThat(tcp.ipProtocol().fallback()).isFalse();
		assertThat(tcp.sourceIpAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(tcp.queryResponse()).hasSize(7);
		assertThat(tcp.queryResponse().get(0).labels()).containsExactly(new QueryResponse.Label("host", "${1}"));
		assertThat(tcp.queryResponse().get(1).send()).isEqualTo("EHLO prober\r");
		assertThat(tcp.queryResponse().get(5).startTls()).isTrue();
		assertThat(tcp.queryResponse().get(6).expectBytes()).isEqualTo("250".getBytes(StandardCharsets.UTF_8));
		assertThat(tcp.tlsConfig().insecureSkipVerify()).isTrue();
		assertThat(smtp.options(TcpOptions.KIND).tlsMaterial()).isNotNull();
		assertThat(file.module("ssh_banner").options(TcpOptions.KIND).tls()).isTrue();
		assertThat(file.module("ssh_banner").options(TcpOptions.KIND).ipProtocol().preferred()).isEqualTo(IpProtocol.IP6);
		assertThat(file.module("ssh_banner").options(TcpOptions.KIND).ipProtocol().fallback()).isTrue();
		UdpOptions udp = file.module("udp_echo").options(UdpOptions.KIND);
		assertThat(file.module("udp_echo").kind().name()).isEqualTo("udp");
		assertThat(udp.queryResponse()).hasSize(2);
		assertThat(udp.queryResponse().get(0).send()).isEqualTo("ping");
	}

	@Test
	void defaultsHaveTcpConnectAsBlackboxExportersExample() {
		Module<?> connect = ModuleFile.defaults(KINDS).module("tcp_connect");
		assertThat(connect.kind().name()).isEqualTo("tcp");
		assertThat(connect.timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(connect.options(TcpOptions.KIND).queryResponse()).isEmpty();
		assertThat(ModuleFile.defaults(KINDS).module("http_2xx").kind().name()).isEqualTo("http");
		assertThat(ModuleFile.parse("modules:\n  x:\n    prober: http\n", null, KINDS).module("tcp_connect")).isNotNull();
	}

	@Test
	void whenAnOptionIsWrongThenTheErrorNamesItsKey() {
		assertError("tcp:\n      query_respons: []", "modules.m.tcp.query_respons", "unknown key");
		assertError("tcp:\n      query_response:\n        - expect: \"(\"", "modules.m.tcp.query_response[0].expect",
				"regular expression");
		assertError("tcp:\n      query_response:\n        - {expect: a, expect_bytes: b}",
				"modules.m.tcp.query_response[0].expect_bytes", "mutually exclusive");
		assertError("tcp:\n      query_response:\n        - {send: a, sned: b}", "modules.m.tcp.query_response[0].sned",
				"unknown key");
		assertError("tcp:\n      preferred_ip_protocol: ip5", "modules.m.tcp.preferred_ip_protocol", "ip4 or ip6");
		assertError("tcp:\n      source_ip_address: example.org", "modules.m.tcp.source_ip_address", "IP address");
		assertError("tcp:\n      tls: yes-please", "modules.m.tcp.tls", "true or false");
		assertError("tcp:\n      query_response:\n        - labels: [{name: a, value: b}]",
				"modules.m.tcp.query_response[0].labels", "set expect");
		assertError("tcp:\n      query_response:\n        - expect: a\n          labels: [{name: 0a, value: b}]",
				"modules.m.tcp.query_response[0].labels[0].name", "label name");
		// issue 26: a file the module names is read when a probe needs it, as blackbox_exporter does
		String missingCa = "modules:\n  m:\n    prober: tcp\n    tcp:\n      tls_config: {ca_file: /nonexistent/ca.pem}\n";
		assertThatThrownBy(() -> ModuleFile.parse(missingCa, null, KINDS).module("m").withFiles())
			.isInstanceOf(ModuleConfigException.class)
			.satisfies(ex -> assertThat(((ModuleConfigException) ex).key()).isEqualTo("modules.m.tcp.tls_config.ca_file"))
			.hasMessageContaining("does not exist");
		assertError("tcp:\n      query_response: {expect: a}", "modules.m.tcp.query_response", "must be a list");
	}

	@Test
	void whenPreferredIpProtocolIsEmptyThenATcpModuleLoadsPreferringIp6WithFallback() {
		Module<?> m = ModuleFile.parse("modules:\n  m:\n    prober: tcp\n    tcp:\n      preferred_ip_protocol: \"\"\n", null, KINDS)
			.module("m");
		assertThat(m.options(TcpOptions.KIND).ipProtocol()).isEqualTo(new IpPreference(IpProtocol.IP6, true));
	}

	@Test
	void whenPreferredIpProtocolIsEmptyThenAUdpModuleLoadsPreferringIp6WithFallback() {
		Module<?> m = ModuleFile.parse("modules:\n  m:\n    prober: udp\n    udp:\n      preferred_ip_protocol: \"\"\n"
				+ "      query_response: [{send: ping}]\n", null, KINDS).module("m");
		assertThat(m.options(UdpOptions.KIND).ipProtocol()).isEqualTo(new IpPreference(IpProtocol.IP6, true));
	}

	@Test
	void udpNeedsAnExchangeAndHasNoStartTls() {
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: udp\n", null, KINDS))
			.isInstanceOf(ModuleConfigException.class).hasMessageContaining("modules.m.udp.query_response");
		assertThatThrownBy(() -> ModuleFile.parse(
				"modules:\n  m:\n    prober: udp\n    udp:\n      query_response:\n        - {send: a, starttls: true}\n", null, KINDS))
			.hasMessageContaining("modules.m.udp.query_response[0].starttls").hasMessageContaining("DTLS");
	}

	@Test
	void otherBlackboxProbersLoadAndSayTheyAreNotImplemented() {
		// issue 26: they load (Debian's stock file has them) and each of their probes fails saying why;
		// icmp, unix, grpc and websocket are probers of the table now (IcmpOptionsTest, UnixProberIT, GrpcProberIT,
		// WebsocketProberIT): the case is a table without them, as ModuleFile allows
		for (String prober : new String[] { "icmp", "unix", "websocket" }) {
			List<ProberKind<?>> without = KINDS.stream().filter(kind -> !kind.name().equals(prober)).toList();
			assertThat(ModuleFile.parse("modules:\n  m:\n    prober: " + prober + "\n", null, without).module("m").unavailable())
				.contains("prober " + prober).contains("does not implement yet");
			assertThat(ModuleFile.parse("modules:\n  m:\n    prober: " + prober + "\n", null, KINDS).module("m").unavailable())
				.isNull();
		}
		// issue 25: unix is implemented (dev.asyncore.probe.unix)
		assertThat(ModuleFile.parse("modules:\n  m:\n    prober: unix\n", null, KINDS).module("m").unavailable()).isNull();
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: sctp\n", null, KINDS))
			.hasMessageContaining("unknown prober 'sctp'");
	}

	@Test
	void anHttpModuleMayCarryAnotherProbersSectionButItIsStillChecked() {
		Module<?> m = ModuleFile.parse("modules:\n  m:\n    prober: http\n    tcp:\n      tls: true\n", null, KINDS).module("m");
		assertThat(m.kind().name()).isEqualTo("http");
		assertError("tcp:\n      bogus: 1", "modules.m.tcp.bogus", "unknown key");
	}

	private static void assertError(String section, String key, String message) {
		String yaml = "modules:\n  m:\n    prober: tcp\n    " + section + "\n";
		assertThatThrownBy(() -> ModuleFile.parse(yaml, null, KINDS)).isInstanceOf(ModuleConfigException.class)
			.satisfies(ex -> assertThat(((ModuleConfigException) ex).key()).isEqualTo(key))
			.hasMessageContaining(message);
	}

	@Test
	void capturesExpandAsGosRegexpExpand() {
		Matcher m = QueryResponse.compile("k", "^220 (?P<host>[^ ]+) ESMTP (.+)$").matcher("220 mx.local ESMTP Postfix");
		assertThat(m.find()).isTrue();
		assertThat(QueryResponse.expand("EHLO ${1}", m)).isEqualTo("EHLO mx.local");
		assertThat(QueryResponse.expand("$1 $2", m)).isEqualTo("mx.local Postfix");
		assertThat(QueryResponse.expand("${host}!", m)).isEqualTo("mx.local!");
		assertThat(QueryResponse.expand("$host", m)).isEqualTo("mx.local");
		assertThat(QueryResponse.expand("$1x", m)).as("Go reads the name 1x, which is no group").isEqualTo("");
		assertThat(QueryResponse.expand("$$1", m)).isEqualTo("$1");
		assertThat(QueryResponse.expand("${9}", m)).isEqualTo("");
		assertThat(QueryResponse.expand("${01}", m)).as("a leading zero makes it a name").isEqualTo("");
		assertThat(QueryResponse.expand("cost $ 5", m)).isEqualTo("cost $ 5");
		assertThat(QueryResponse.expand("${1", m)).isEqualTo("${1");
		assertThat(QueryResponse.expand("PONG", m)).isEqualTo("PONG");
	}

	@Test
	void patternsMatchAsGoDoesWithOnlyNewLineEndingALine() {
		Pattern p = QueryResponse.compile("k", "^ok$");
		assertThat(p.matcher("ok\r").find()).as("\\r is not a line end in Go").isFalse();
		assertThat(p.matcher("ok").find()).isTrue();
	}

}
