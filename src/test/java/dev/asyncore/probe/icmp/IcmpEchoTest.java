package dev.asyncore.probe.icmp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.IpProtocol;

import static org.assertj.core.api.Assertions.assertThat;

/** Echo messages built and read, checksums, and what is not an echo reply. */
class IcmpEchoTest {

	@Test
	void theRequestIsBlackboxExportersAndItsChecksumVerifies() {
		byte[] data = IcmpEcho.payload(0);
		assertThat(new String(data, StandardCharsets.US_ASCII)).isEqualTo("Prometheus Blackbox Exporter");
		byte[] request = new IcmpEcho(0x1234, 0xabcd, data).request(IpProtocol.IP4);
		assertThat(Arrays.copyOf(request, 8)).containsExactly(8, 0, request[2], request[3], 0x12, 0x34, 0xab - 256, 0xcd - 256);
		assertThat(IcmpEcho.checksum(request)).isEqualTo(((request[2] & 0xff) << 8) | (request[3] & 0xff));
		// RFC 1071: a message with its checksum in place sums to 0xffff, whose complement is 0
		long sum = 0;
		for (int i = 0; i < request.length; i += 2) {
			sum += ((request[i] & 0xff) << 8) | ((i + 1 < request.length) ? request[i + 1] & 0xff : 0);
		}
		while ((sum >> 16) != 0) {
			sum = (sum & 0xffff) + (sum >> 16);
		}
		assertThat(sum).isEqualTo(0xffff);
		assertThat(new IcmpEcho(1, 2, data).request(IpProtocol.IP6)[0] & 0xff).isEqualTo(128);
	}

	@Test
	void aPayloadSizeStartsWithTheTextAndIsPadded() {
		assertThat(IcmpEcho.payload(4)).containsExactly('P', 'r', 'o', 'm');
		byte[] long_ = IcmpEcho.payload(100);
		assertThat(long_).hasSize(100);
		assertThat(long_[27]).isEqualTo((byte) 'r');
		assertThat(long_[28]).isZero();
	}

	@Test
	void repliesAreReadAndEverythingElseIsNull() {
		IcmpEcho echo = new IcmpEcho(7, 9, new byte[] { 1, 2, 3 });
		byte[] reply = RawPeer.reply(echo, IpProtocol.IP4);
		assertThat(IcmpEcho.reply(reply, IpProtocol.IP4)).isEqualTo(echo);
		assertThat(IcmpEcho.reply(reply, IpProtocol.IP6)).as("a v4 reply type on a v6 socket").isNull();
		assertThat(IcmpEcho.reply(echo.request(IpProtocol.IP4), IpProtocol.IP4)).as("a request").isNull();
		assertThat(IcmpEcho.reply(Arrays.copyOf(reply, 7), IpProtocol.IP4)).as("truncated header").isNull();
		assertThat(IcmpEcho.reply(new byte[0], IpProtocol.IP4)).isNull();
		byte[] coded = reply.clone();
		coded[1] = 1;
		assertThat(IcmpEcho.reply(coded, IpProtocol.IP4)).as("a non-zero code").isNull();
		assertThat(IcmpEcho.reply(RawPeer.reply(echo, IpProtocol.IP6), IpProtocol.IP6)).isEqualTo(echo);
	}

	@Test
	void roundTripStatistics() {
		RttStats stats = new RttStats();
		assertThat(stats.min()).isZero();
		assertThat(stats.stddev()).isZero();
		for (double rtt : new double[] { 0.002, 0.004, 0.004, 0.004, 0.005, 0.005, 0.007, 0.009 }) {
			stats.add(rtt);
		}
		assertThat(stats.count()).isEqualTo(8);
		assertThat(stats.min()).isEqualTo(0.002);
		assertThat(stats.max()).isEqualTo(0.009);
		assertThat(stats.mean()).isCloseTo(0.005, org.assertj.core.data.Offset.offset(1e-12));
		assertThat(stats.stddev()).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
	}

}
