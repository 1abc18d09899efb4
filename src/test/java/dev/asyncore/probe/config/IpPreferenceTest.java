package dev.asyncore.probe.config;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code preferred_ip_protocol} and {@code ip_protocol_fallback}: read once for every prober, chosen once. */
class IpPreferenceTest {

	private static IpPreference parse(String yaml) {
		return IpPreference.parse(YamlSection.of("modules.m.tcp", new Yaml().load(yaml)));
	}

	@Test
	void whenTheOptionsAreAbsentOrEmptyThenIp6IsPreferredWithFallbackAsBlackboxDefaults() {
		assertThat(parse("{}")).isEqualTo(IpPreference.DEFAULT);
		assertThat(parse("preferred_ip_protocol: ''")).isEqualTo(IpPreference.DEFAULT);
		assertThat(parse("preferred_ip_protocol:")).isEqualTo(IpPreference.DEFAULT);
		assertThat(parse("{preferred_ip_protocol: ip4, ip_protocol_fallback: false}"))
			.isEqualTo(new IpPreference(IpProtocol.IP4, false));
		assertThatThrownBy(() -> parse("preferred_ip_protocol: ip5")).isInstanceOf(ModuleConfigException.class)
			.hasMessage("modules.m.tcp.preferred_ip_protocol: must be ip4 or ip6, was 'ip5'");
	}

	@Test
	void whenThePreferredFamilyIsThereThenItsFirstAddressIsChosen() throws Exception {
		InetAddress v4a = InetAddress.getByName("192.0.2.1");
		InetAddress v4b = InetAddress.getByName("192.0.2.2");
		InetAddress v6a = InetAddress.getByName("2001:db8::1");
		InetAddress v6b = InetAddress.getByName("2001:db8::2");
		assertThat(IpPreference.DEFAULT.choose(v4a, v6a, v4b, v6b)).isEqualTo(v6a);
		assertThat(new IpPreference(IpProtocol.IP4, false).choose(v6a, v4a, v4b)).isEqualTo(v4a);
	}

	@Test
	void whenOnlyTheOtherFamilyIsThereThenFallbackTakesItsLastAsBlackboxExporterDoes() throws Exception {
		InetAddress v4a = InetAddress.getByName("192.0.2.1");
		InetAddress v4b = InetAddress.getByName("192.0.2.2");
		// chooseProtocol keeps a pointer to its loop variable: after the loop it holds the last address
		assertThat(IpPreference.DEFAULT.choose(v4a, v4b)).isEqualTo(v4b);
		assertThat(new IpPreference(IpProtocol.IP6, false).choose(v4a, v4b)).isNull();
		assertThat(IpPreference.DEFAULT.choose()).isNull();
	}

	@Test
	void theFamilyIsWhatProbeIpProtocolReports() throws Exception {
		assertThat(IpProtocol.of(InetAddress.getByName("127.0.0.1")).number()).isEqualTo(4);
		assertThat(IpProtocol.of(InetAddress.getByName("::1")).number()).isEqualTo(6);
		assertThat(IpProtocol.of(InetAddress.getByName("::ffff:192.0.2.1"))).as("IPv4-mapped reads as IPv4, as Go's To4")
			.isEqualTo(IpProtocol.IP4);
		assertThat(IpProtocol.IP6).hasToString("ip6");
	}

}
