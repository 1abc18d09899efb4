package dev.asyncore.probe.config;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IP literals are parsed, never looked up; {@code source_ip_address} is one of them. */
class IpLiteralTest {

	@Test
	void whenTheTextIsAnIpLiteralThenItsAddressIsReturned() throws Exception {
		assertThat(IpLiteral.parse("127.0.0.1")).isEqualTo(InetAddress.getByName("127.0.0.1"));
		assertThat(IpLiteral.parse("::1")).isEqualTo(InetAddress.getByName("::1"));
		assertThat(IpLiteral.parse("[::1]")).isEqualTo(InetAddress.getByName("::1"));
		assertThat(IpLiteral.parse("2001:db8::1")).isEqualTo(InetAddress.getByName("2001:db8::1"));
	}

	@Test
	void whenTheTextIsNotALiteralThenNothingIsLookedUpAndTheAnswerIsNull() {
		assertThat(IpLiteral.parse("999.0.0.1")).isNull();
		assertThat(IpLiteral.parse("1.2.3")).isNull();
		assertThat(IpLiteral.parse("1.2.3.4.5")).isNull();
		assertThat(IpLiteral.parse("1234.2.3.4")).isNull();
		assertThat(IpLiteral.parse("localhost")).isNull();
		assertThat(IpLiteral.parse("dns.example")).isNull();
		assertThat(IpLiteral.parse("example.org:53")).isNull();
		assertThat(IpLiteral.parse("")).isNull();
	}

	@Test
	void sourceIpAddressIsALiteralOrAbsent() throws Exception {
		assertThat(IpLiteral.sourceIpAddress(YamlSection.of("m", new Yaml().load("source_ip_address: 127.0.0.2"))))
			.isEqualTo(InetAddress.getByName("127.0.0.2"));
		assertThat(IpLiteral.sourceIpAddress(YamlSection.of("m", null))).isNull();
		assertThat(IpLiteral.sourceIpAddress(YamlSection.of("m", new Yaml().load("source_ip_address: ''"))))
			.isNull();
		assertThatThrownBy(() -> IpLiteral.sourceIpAddress(YamlSection.of("m", new Yaml().load(
				"source_ip_address: somehost")))).hasMessage("m.source_ip_address: 'somehost' is not an IP address");
	}

}
