package dev.asyncore.boot.reactor;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostPortTest {

	@Test
	void ipv6AddressesAreBracketedAndShortestIpv4AsIs() throws Exception {
		assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("::1"), 7007))).isEqualTo("[::1]:7007");
		assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("::"), 7007))).isEqualTo("[::]:7007");
		assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:1:0:0:1"), 443)))
			.isEqualTo("[2001:db8::1:0:0:1]:443");
		assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("fe80:0:0:0:0:0:0:1"), 1)))
			.isEqualTo("[fe80::1]:1");
		assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7007)))
			.isEqualTo("127.0.0.1:7007");
		assertThat(HostPort.of(null)).isNull();
	}

}
