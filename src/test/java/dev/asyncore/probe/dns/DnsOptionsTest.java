package dev.asyncore.probe.dns;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code dns} section: blackbox_exporter 0.23's names, defaults and load-time checks, read strictly. */
class DnsOptionsTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static DnsOptions dns(String section) {
		String file = "modules:\n  d:\n    prober: dns\n    dns:\n" + section.indent(6);
		// withFiles: the files a module names are read when a probe needs them (issue 26), here at once
		return ModuleFile.parse(file, null, KINDS).module("d").withFiles().options(DnsOptions.KIND);
	}

	private static void fails(String section, String key, String message) {
		assertThatThrownBy(() -> dns(section)).isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining(key)
			.hasMessageContaining(message);
	}

	@Test
	void whenEveryOptionIsGivenThenEachIsRead() throws Exception {
		DnsOptions dns = dns("""
				query_name: www.example.org
				query_type: MX
				query_class: CH
				transport_protocol: tcp
				preferred_ip_protocol: ip4
				ip_protocol_fallback: false
				source_ip_address: 127.0.0.2
				recursion_desired: false
				dns_over_tls: false
				valid_rcodes: [NOERROR, NXDOMAIN, NOTIMPL]
				validate_answer_rrs:
				  fail_if_matches_regexp: ["a"]
				  fail_if_all_match_regexp: ["b"]
				  fail_if_not_matches_regexp: ["c"]
				  fail_if_none_matches_regexp: ["d"]
				validate_authority_rrs:
				  fail_if_matches_regexp: ["e"]
				validate_additional_rrs:
				  fail_if_none_matches_regexp: ["f"]
				""");
		assertThat(dns.queryName()).isEqualTo(Name.fromString("www.example.org."));
		assertThat(dns.queryType()).isEqualTo(Type.MX);
		assertThat(dns.queryClass()).isEqualTo(DClass.CH);
		assertThat(dns.tcp()).isTrue();
		assertThat(dns.ipProtocol().preferred()).isEqualTo(IpProtocol.IP4);
		assertThat(dns.ipProtocol().fallback()).isFalse();
		assertThat(dns.sourceAddress()).isEqualTo(InetAddress.getByName("127.0.0.2"));
		assertThat(dns.recursionDesired()).isFalse();
		assertThat(dns.validRcodes()).containsExactly(0, 3, 4);
		assertThat(dns.answer().failIfMatches()).singleElement().extracting(p -> p.pattern()).isEqualTo("a");
		assertThat(dns.answer().failIfAllMatch()).hasSize(1);
		assertThat(dns.answer().failIfNotMatches()).hasSize(1);
		assertThat(dns.answer().failIfNoneMatches()).hasSize(1);
		assertThat(dns.authority().failIfMatches()).hasSize(1);
		assertThat(dns.additional().failIfNoneMatches()).hasSize(1);
	}

	@Test
	void whenOnlyTheNameIsGivenThenBlackboxDefaultsApply() throws Exception {
		DnsOptions dns = dns("query_name: example.org.\n");
		assertThat(dns.queryName()).isEqualTo(Name.fromString("example.org."));
		assertThat(dns.queryType()).isEqualTo(Type.ANY);
		assertThat(dns.queryClass()).isEqualTo(DClass.IN);
		assertThat(dns.tcp()).isFalse();
		assertThat(dns.ipProtocol().preferred()).isEqualTo(IpProtocol.IP6);
		assertThat(dns.ipProtocol().fallback()).isTrue();
		assertThat(dns.sourceAddress()).isNull();
		assertThat(dns.recursionDesired()).isTrue();
		assertThat(dns.validRcodes()).containsExactly(0);
		assertThat(dns.answer()).isEqualTo(DnsRrCheck.NONE);
	}

	@Test
	void whenPreferredIpProtocolIsEmptyThenADnsModuleLoadsPreferringIp6WithFallback() {
		// blackbox_exporter reads "" as its default for every prober; this failed for dns before
		DnsOptions dns = dns("query_name: example.org\npreferred_ip_protocol: \"\"\n");
		assertThat(dns.ipProtocol()).isEqualTo(new IpPreference(IpProtocol.IP6, true));
	}

	@Test
	void whenTheModuleHasNoDnsSectionThenTheRootIsAskedForAnyAsBlackboxDoes() {
		Module<?> module = ModuleFile.parse("modules:\n  d:\n    prober: dns\n", null, KINDS).module("d");
		assertThat(module.kind().name()).isEqualTo("dns");
		assertThat(module.options(DnsOptions.KIND).queryName()).isEqualTo(Name.root);
		assertThat(module.options(DnsOptions.KIND).queryType()).isEqualTo(Type.ANY);
	}

	@Test
	void whenOptionsAreWrongThenTheErrorNamesTheKey() {
		fails("query_type: A\n", "modules.d.dns.query_name", "query name must be set");
		fails("query_name: x\nquery_type: a\n", "modules.d.dns.query_type", "'a' is not valid");
		fails("query_name: x\nquery_type: TYPE1\n", "modules.d.dns.query_type", "not valid");
		fails("query_name: x\nquery_class: CHAOS\n", "modules.d.dns.query_class", "'CHAOS' is not valid");
		fails("query_name: x\ntransport_protocol: quic\n", "modules.d.dns.transport_protocol", "udp or tcp");
		fails("query_name: x\npreferred_ip_protocol: ip5\n", "modules.d.dns.preferred_ip_protocol", "ip4 or ip6");
		fails("query_name: x\nsource_ip_address: somehost\n", "modules.d.dns.source_ip_address", "not an IP address");
		fails("query_name: x\nvalid_rcodes: [NOERROR, OOPS]\n", "modules.d.dns.valid_rcodes[1]", "'OOPS'");
		fails("query_name: x\nvalidate_answer_rrs:\n  fail_if_not_matches_regexp: ['(']\n",
				"modules.d.dns.validate_answer_rrs.fail_if_not_matches_regexp[0]", "not a valid regular expression");
		fails("query_name: x\nvalidate_answer_rrs:\n  fail_if_matches: [x]\n", "modules.d.dns.validate_answer_rrs.fail_if_matches",
				"unknown key");
		fails("query_name: x\nquery_nmae: y\n", "modules.d.dns.query_nmae", "unknown key");
		fails("query_name: [x]\n", "modules.d.dns.query_name", "must be a string");
	}

	@Test
	void whenDnsOverTlsIsOnWithTcpThenItAndItsTlsConfigAreRead(@TempDir Path dir) throws Exception {
		TestCertificates.writePem(TestCertificates.generate(dir, "dns.example", "dns:dns.example"), dir.resolve("ca.pem"));
		Path file = dir.resolve("blackbox.yml");
		Files.writeString(file, """
				modules:
				  d:
				    prober: dns
				    dns:
				      query_name: x
				      transport_protocol: tcp
				      dns_over_tls: true
				      tls_config:
				        ca_file: ca.pem
				        server_name: dns.example
				        insecure_skip_verify: true
				        min_version: TLS12
				        max_version: TLS13
				""");
		Module<?> module = ModuleFile.read(file, KINDS).module("d");
		DnsOptions dns = module.options(DnsOptions.KIND);
		assertThat(dns.dnsOverTls()).isTrue();
		assertThat(dns.tcp()).isTrue();
		assertThat(dns.tlsConfig().caFile()).isEqualTo(dir.resolve("ca.pem")); // relative to the file
		assertThat(dns.tlsConfig().serverName()).isEqualTo("dns.example");
		assertThat(dns.tlsConfig().insecureSkipVerify()).isTrue();
		assertThat(dns.tlsConfig().minVersion()).isEqualTo("TLS12");
		assertThat(dns.tlsConfig().maxVersion()).isEqualTo("TLS13");
		assertThat(module.options(DnsOptions.KIND).tlsMaterial()).isNotNull();
		assertThat(module.options(DnsOptions.KIND).tlsMaterial().config()).isEqualTo(dns.tlsConfig());
	}

	@Test
	void whenDnsOverTlsIsOffThenTheTlsConfigIsCheckedButItsFilesAreNotRead() {
		// blackbox_exporter 0.23 builds its TLS configuration only for DNS over TLS
		Module<?> module = ModuleFile.parse("modules:\n  d:\n    prober: dns\n    dns:\n      query_name: x\n"
				+ "      tls_config: {ca_file: /nonexistent/ca.pem}\n", null, KINDS).module("d");
		assertThat(module.options(DnsOptions.KIND).dnsOverTls()).isFalse();
		assertThat(module.options(DnsOptions.KIND).tlsMaterial()).isNull();
		fails("query_name: x\ntls_config: {ca_fiel: ca.pem}\n", "modules.d.dns.tls_config.ca_fiel", "unknown key");
	}

	@Test
	void whenDnsOverTlsIsCombinedWrongThenTheErrorNamesTheKey() {
		fails("query_name: x\ndns_over_tls: true\n", "modules.d.dns.dns_over_tls",
				"needs transport_protocol: tcp, was udp (the default)");
		fails("query_name: x\ntransport_protocol: udp\ndns_over_tls: true\n", "modules.d.dns.dns_over_tls",
				"needs transport_protocol: tcp, was 'udp'");
		fails("query_name: x\ntransport_protocol: tcp\ndns_over_tls: yes please\n", "modules.d.dns.dns_over_tls",
				"must be true or false");
		String tcp = "query_name: x\ntransport_protocol: tcp\ndns_over_tls: true\n";
		fails(tcp + "tls_config: {ca_file: /nonexistent/ca.pem}\n", "modules.d.dns.tls_config.ca_file", "does not exist");
		fails(tcp + "tls_config: {cert_file: /nonexistent/c.pem}\n", "modules.d.dns.tls_config.cert_file",
				"cert_file and key_file go together");
		fails(tcp + "tls_config: {min_version: TLS14}\n", "modules.d.dns.tls_config.min_version", "TLS10, TLS11, TLS12 or TLS13");
		// issue 25: inline PEM is read; text that is not PEM is named, and each probe fails saying why
		assertThat(ModuleFile.parse("modules:\n  d:\n    prober: dns\n    dns:\n" + (tcp + "tls_config: {ca: inline}\n").indent(6),
				null, KINDS).unavailable().get("d")).contains("modules.d.dns.tls_config.ca").contains("holds no PEM certificate");
		fails(tcp + "tls_config: {server_nmae: x}\n", "modules.d.dns.tls_config.server_nmae", "unknown key");
	}

	@Test
	void whenAnyFileIsReadThenDnsUdpIsThereBesideHttp2xx() {
		for (ModuleFile file : List.of(ModuleFile.defaults(KINDS), ModuleFile.parse("modules:\n  other:\n    prober: http\n", null, KINDS))) {
			Module<?> module = file.module(DnsOptions.DEFAULT_MODULE);
			assertThat(module.kind().name()).isEqualTo("dns");
			assertThat(module.timeout()).hasSeconds(5);
			assertThat(module.options(DnsOptions.KIND).queryName().toString()).isEqualTo("localhost.");
			assertThat(module.options(DnsOptions.KIND).queryType()).isEqualTo(Type.A);
			assertThat(file.module(ModuleFile.DEFAULT_MODULE)).isNotNull();
		}
	}

	@Test
	void whenTheFileDefinesDnsUdpThenItsOwnIsKept() {
		Module<?> module = ModuleFile.parse("modules:\n  dns_udp:\n    prober: dns\n    dns:\n      query_name: mine\n", null, KINDS)
			.module("dns_udp");
		assertThat(module.options(DnsOptions.KIND).queryName().toString()).isEqualTo("mine.");
	}

	@Test
	void whenAnHttpModuleHasADnsSectionThenItIsAllowedAndUnused() {
		Module<?> module = ModuleFile.parse("modules:\n  h:\n    prober: http\n    dns:\n      bogus: 1\n", null, KINDS).module("h");
		assertThat(module.options(DnsOptions.KIND)).isNull();
	}

}
