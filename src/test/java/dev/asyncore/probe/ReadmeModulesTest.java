package dev.asyncore.probe;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.QueryResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module-file examples in the README's blackbox_exporter section load with the strict parser and
 * mean what the README says they do.
 */
class ReadmeModulesTest {

	@Test
	void theReadmesModuleExamplesLoadAndSayWhatTheReadmeSays() throws Exception {
		String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
		Matcher block = Pattern.compile("```yaml\n(modules:\n.*?)```", Pattern.DOTALL).matcher(readme);
		assertThat(block.find()).as("a yaml block of modules in README.md").isTrue();
		ModuleFile file = ModuleFile.parse(block.group(1), null);

		assertThat(file.modules()).containsKeys("smtp_starttls", "ssh_banner", "irc_banner", "dns_a_record",
				"http_2xx", "tcp_connect", "dns_udp");
		Module smtp = file.module("smtp_starttls");
		assertThat(smtp.prober()).isEqualTo("tcp");
		assertThat(smtp.tcp().queryResponse()).anyMatch(QueryResponse::startTls);
		Module irc = file.module("irc_banner");
		assertThat(irc.tcp().queryResponse()).anyMatch((step) -> step.expect() != null && "PONG ${1}".equals(step.send()));
		assertThat(file.module("ssh_banner").tcp().queryResponse().get(0).expect().pattern()).isEqualTo("^SSH-2.0-");
		Module dns = file.module("dns_a_record");
		assertThat(dns.prober()).isEqualTo("dns");
		assertThat(dns.dns().queryName().toString()).isEqualTo("www.example.org.");
		assertThat(dns.dns().queryType()).isEqualTo(org.xbill.DNS.Type.A);
		Module dot = file.module("dns_a_over_tls");
		assertThat(dot.dns().dnsOverTls()).isTrue();
		assertThat(dot.dns().tcp()).isTrue();
		assertThat(dot.dns().tlsConfig().serverName()).isEqualTo("dns.example.org");
		assertThat(dot.tls()).isNotNull();
	}

}
