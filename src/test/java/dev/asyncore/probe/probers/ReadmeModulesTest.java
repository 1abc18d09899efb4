package dev.asyncore.probe.probers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.dns.DnsOptions;
import dev.asyncore.probe.tcp.TcpOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module-file examples in the README's blackbox_exporter section load with the strict parser and
 * mean what the README says they do.
 */
class ReadmeModulesTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	@Test
	void theReadmesModuleExamplesLoadAndSayWhatTheReadmeSays() throws Exception {
		String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
		Matcher block = Pattern.compile("```yaml\n(modules:\n.*?)```", Pattern.DOTALL).matcher(readme);
		assertThat(block.find()).as("a yaml block of modules in README.md").isTrue();
		ModuleFile file = ModuleFile.parse(block.group(1), null, KINDS);

		assertThat(file.modules()).containsKeys("smtp_starttls", "ssh_banner", "irc_banner", "dns_a_record",
				"http_2xx", "tcp_connect", "dns_udp");
		Module<?> smtp = file.module("smtp_starttls");
		assertThat(smtp.kind().name()).isEqualTo("tcp");
		assertThat(smtp.options(TcpOptions.KIND).queryResponse()).anyMatch(QueryResponse::startTls);
		Module<?> irc = file.module("irc_banner");
		assertThat(irc.options(TcpOptions.KIND).queryResponse()).anyMatch((step) -> step.expect() != null && "PONG ${1}".equals(step.send()));
		assertThat(file.module("ssh_banner").options(TcpOptions.KIND).queryResponse().get(0).expect().pattern()).isEqualTo("^SSH-2.0-");
		Module<?> dns = file.module("dns_a_record");
		assertThat(dns.kind().name()).isEqualTo("dns");
		assertThat(dns.options(DnsOptions.KIND).queryName().toString()).isEqualTo("www.example.org.");
		assertThat(dns.options(DnsOptions.KIND).queryType()).isEqualTo(Type.A);
		Module<?> dot = file.module("dns_a_over_tls");
		assertThat(dot.options(DnsOptions.KIND).dnsOverTls()).isTrue();
		assertThat(dot.options(DnsOptions.KIND).tcp()).isTrue();
		assertThat(dot.options(DnsOptions.KIND).tlsConfig().serverName()).isEqualTo("dns.example.org");
		assertThat(dot.options(DnsOptions.KIND).tlsMaterial()).isNotNull();
	}

}
