package dev.asyncore.probe.icmp;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code icmp} section: blackbox_exporter's options, defaults and checks, and ours. */
class IcmpOptionsTest {

	private static IcmpOptions parse(String section) {
		return ModuleFile.parse("modules:\n  m:\n    prober: icmp\n    icmp:\n" + section.indent(6), null,
				Probers.standard().kinds()).module("m").options(IcmpOptions.KIND);
	}

	@Test
	void blackboxExporterDefaults() {
		IcmpOptions icmp = ModuleFile.parse("modules:\n  m:\n    prober: icmp\n", null, Probers.standard().kinds())
			.module("m").options(IcmpOptions.KIND);
		assertThat(icmp).isEqualTo(IcmpOptions.DEFAULT);
		assertThat(icmp.ttl()).isEqualTo(64);
		assertThat(icmp.ipProtocol().preferred()).isEqualTo(IpProtocol.IP6);
		assertThat(icmp.ipProtocol().fallback()).isTrue();
		assertThat(icmp.packets()).isEqualTo(1);
		assertThat(icmp.interval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(icmp.maxPacketLossPercent()).isZero();
		assertThat(ModuleFile.defaults(Probers.standard().kinds()).module("icmp").options(IcmpOptions.KIND))
			.as("blackbox_exporter's example module icmp is in every file").isEqualTo(IcmpOptions.DEFAULT);
	}

	@Test
	void everyOptionIsRead() throws Exception {
		IcmpOptions icmp = parse("""
				preferred_ip_protocol: ip4
				ip_protocol_fallback: false
				source_ip_address: 127.0.0.1
				payload_size: 1200
				dont_fragment: true
				ttl: 5
				packets: 10
				interval: 200ms
				max_packet_loss_percent: 20.5
				""");
		assertThat(icmp).isEqualTo(new IcmpOptions(new dev.asyncore.probe.config.IpPreference(IpProtocol.IP4, false),
				InetAddress.getByName("127.0.0.1"), 1200, true, 5, 10, Duration.ofMillis(200), 20.5));
		assertThat(parse("ttl: 0\n").ttl()).as("0 leaves the system's TTL").isZero();
	}

	@Test
	void blackboxExportersChecksAndOursNameTheKey() {
		assertThatThrownBy(() -> parse("ttl: -1\n")).isInstanceOf(ModuleConfigException.class)
			.hasMessage("modules.m.icmp.ttl: \"ttl\" cannot be negative");
		assertThatThrownBy(() -> parse("ttl: 256\n")).hasMessage("modules.m.icmp.ttl: \"ttl\" cannot exceed 255");
		assertThatThrownBy(() -> parse("ttl: many\n")).hasMessageStartingWith("modules.m.icmp.ttl: must be a whole number");
		assertThatThrownBy(() -> parse("payload_size: 70000\n")).hasMessageStartingWith("modules.m.icmp.payload_size");
		assertThatThrownBy(() -> parse("packets: 0\n")).hasMessageStartingWith("modules.m.icmp.packets");
		assertThatThrownBy(() -> parse("interval: 0s\n")).hasMessageStartingWith("modules.m.icmp.interval");
		assertThatThrownBy(() -> parse("max_packet_loss_percent: 101\n"))
			.hasMessageStartingWith("modules.m.icmp.max_packet_loss_percent");
		assertThatThrownBy(() -> parse("source_ip_address: somewhere\n"))
			.hasMessageStartingWith("modules.m.icmp.source_ip_address");
		assertThatThrownBy(() -> parse("dont_fragment: maybe\n")).hasMessageStartingWith("modules.m.icmp.dont_fragment");
		assertThatThrownBy(() -> parse("tll: 5\n")).hasMessage("modules.m.icmp.tll: unknown key");
	}

}
