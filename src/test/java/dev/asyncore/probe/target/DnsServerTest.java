package dev.asyncore.probe.target;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.YamlSection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A module's {@code dns_server} (beyond blackbox_exporter): read strictly, asked over UDP on loopback. */
@Timeout(30)
class DnsServerTest {

	private static DnsServer parse(Map<String, Object> section) {
		return DnsServer.parse(YamlSection.of("modules.m.http", section));
	}

	@Test
	void theServerIsAnIpLiteralWithAnOptionalPortAndTheTimeoutPositive() {
		assertThat(parse(Map.of())).isNull();
		assertThat(parse(Map.of("dns_server", "10.0.0.53")).address().getPort()).isEqualTo(53);
		assertThat(parse(Map.of("dns_server", "[fd00::53]:5353")).address().getPort()).isEqualTo(5353);
		assertThat(parse(Map.of("dns_server", "10.0.0.53", "dns_timeout", "2s")).timeout()).isEqualTo(Duration.ofSeconds(2));
		assertThatThrownBy(() -> parse(Map.of("dns_server", "ns.example.org")))
			.isInstanceOf(ModuleConfigException.class).hasMessageStartingWith("modules.m.http.dns_server:");
		assertThatThrownBy(() -> parse(Map.of("dns_server", "10.0.0.53", "dns_timeout", "0s")))
			.hasMessageStartingWith("modules.m.http.dns_timeout:");
	}

	@Test
	void aNameIsAskedOfTheModulesServer() throws Exception {
		try (TinyDns dns = new TinyDns()) {
			DnsServer server = parse(Map.of("dns_server", dns.address(), "dns_timeout", "2s"));
			assertThat(server.resolve(TinyDns.NAME)).containsExactly(InetAddress.getByName("127.0.0.1"));
			assertThat(dns.queries()).isEqualTo(2); // AAAA, then A
			assertThatThrownBy(() -> server.resolve("other.test")).isInstanceOf(UnknownHostException.class)
				.hasMessageContaining("no such host");
			assertThat(server.resolve("192.0.2.1")).as("a literal is not asked").containsExactly(InetAddress.getByName("192.0.2.1"));
			assertThat(dns.queries()).isEqualTo(4);
		}
	}

	@Test
	void aServerThatDoesNotAnswerTimesOut() throws Exception {
		TinyDns closed = new TinyDns();
		String address = closed.address();
		closed.close();
		DnsServer server = parse(Map.of("dns_server", address, "dns_timeout", "200ms"));
		assertThatThrownBy(() -> server.resolve(TinyDns.NAME)).isInstanceOf(UnknownHostException.class)
			.hasMessageContaining(address.substring(0, address.indexOf(':')));
	}

}
