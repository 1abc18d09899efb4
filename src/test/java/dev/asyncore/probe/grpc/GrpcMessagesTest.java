package dev.asyncore.probe.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

/** The health messages by hand, the target's reading and the grpc section's options; no sockets. */
class GrpcMessagesTest {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void requestsAreFramedProtobuf() {
		assertThat(HEX.formatHex(HealthMessages.request(""))).isEqualTo("0000000000");
		assertThat(HEX.formatHex(HealthMessages.request("up"))).isEqualTo("00000000040a027570");
		// 200 bytes: a two-byte varint length (0xc8 0x01), 203 bytes in all (0xcb)
		byte[] longName = HealthMessages.request("s".repeat(200));
		assertThat(HEX.formatHex(longName, 0, 9)).isEqualTo("00000000cb0ac80173");
	}

	@Test
	void responsesGiveTheServingStatusAndSkipUnknownFields() {
		assertThat(HealthMessages.servingStatus(HEX.parseHex("00000000020801"))).isEqualTo(1);
		assertThat(HealthMessages.servingStatus(HEX.parseHex("00000000020802"))).isEqualTo(2);
		assertThat(HealthMessages.servingStatus(HEX.parseHex("0000000000"))).isZero();
		// an unknown length-delimited field 2, then status 3
		assertThat(HealthMessages.servingStatus(HEX.parseHex("0000000006120261620803"))).isEqualTo(3);
	}

	@Test
	void malformedResponsesAreRefused() {
		assertThatThrownBy(() -> HealthMessages.servingStatus(HEX.parseHex("000000"))).hasMessageContaining("5-byte");
		assertThatThrownBy(() -> HealthMessages.servingStatus(HEX.parseHex("01000000020801"))).hasMessageContaining("compressed");
		assertThatThrownBy(() -> HealthMessages.servingStatus(HEX.parseHex("00000000050801"))).hasMessageContaining("prefix says 5");
		assertThatThrownBy(() -> HealthMessages.servingStatus(HEX.parseHex("000000000208ff"))).hasMessageContaining("truncated varint");
		assertThatThrownBy(() -> HealthMessages.servingStatus(HEX.parseHex("0000000002127f"))).hasMessageContaining("longer than the message");
	}

	@Test
	void targetsAreReadAsBlackboxExporterReadsThem() {
		assertThat(GrpcProber.hostAndPort("example.org:50051", false)).isEqualTo("example.org:50051");
		assertThat(GrpcProber.hostAndPort("example.org", false)).isEqualTo("example.org:80");
		assertThat(GrpcProber.hostAndPort("example.org", true)).isEqualTo("example.org:443");
		assertThat(GrpcProber.hostAndPort("https://example.org:8443/path", true)).isEqualTo("example.org:8443");
		assertThat(GrpcProber.hostAndPort("[::1]:50051", false)).isEqualTo("[::1]:50051");
		assertThat(GrpcProber.hostAndPort("::1", false)).isEqualTo("[::1]:80");
	}

	@Test
	void statusNamesHttpMappingAndMessages() {
		assertThat(GrpcStatus.name(5)).isEqualTo("NotFound");
		assertThat(GrpcStatus.fromHttp(404)).isEqualTo(12);
		assertThat(GrpcStatus.fromHttp(503)).isEqualTo(14);
		assertThat(GrpcStatus.fromHttp(500)).isEqualTo(2);
		assertThat(GrpcStatus.percentDecoded("unknown%20service%C3%A9")).isEqualTo("unknown serviceé");
	}

	@Test
	void theSectionReadsBlackboxExportersKeys() {
		GrpcOptions options = ModuleFile.parse("""
				modules:
				  m:
				    prober: grpc
				    grpc:
				      service: svc
				      tls: true
				      preferred_ip_protocol: ip4
				      ip_protocol_fallback: false
				      metadata: {X-Team: [a, b], single: c}
				      tls_config: {server_name: grpc.example}
				""", null, Probers.standard().kinds()).module("m").options(GrpcOptions.KIND);

		assertThat(options.service()).isEqualTo("svc");
		assertThat(options.tls()).isTrue();
		assertThat(options.ipProtocol().fallback()).isFalse();
		assertThat(options.metadata()).containsExactly(Map.entry("x-team", "a"), Map.entry("x-team", "b"),
				Map.entry("single", "c"));
		assertThat(options.tlsConfig().serverName()).isEqualTo("grpc.example");
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: grpc\n    grpc:\n      bogus: 1\n", null,
				Probers.standard().kinds())).isInstanceOf(ModuleConfigException.class).hasMessageContaining("modules.m.grpc.bogus");
		assertThatThrownBy(() -> ModuleFile.parse("modules:\n  m:\n    prober: grpc\n    grpc:\n      metadata: {grpc-x: a}\n",
				null, Probers.standard().kinds())).hasMessageContaining("not a gRPC metadata name");
	}

}
