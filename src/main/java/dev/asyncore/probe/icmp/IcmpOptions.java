package dev.asyncore.probe.icmp;

import java.net.InetAddress;
import java.time.Duration;

import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.YamlSection;

/**
 * The {@code icmp} section of a module: blackbox_exporter's options, with its defaults and checks,
 * and three of ours (beyond blackbox_exporter): {@code packets}, {@code interval} and
 * {@code max_packet_loss_percent}. Immutable; any thread.
 *
 * @param ipProtocol {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
 * @param sourceIpAddress {@code source_ip_address}: the local address to send from, or {@code null}
 * @param payloadSize {@code payload_size}: the echo data's length; 0 sends blackbox_exporter's text
 * @param dontFragment {@code dont_fragment}: IPv4 packets carry DF and are never fragmented
 * @param ttl {@code ttl}: the TTL or hop limit of requests, 1 to 255 (default 64); 0 leaves the system's
 * @param packets {@code packets}: echo requests per probe (default 1)
 * @param interval {@code interval}: time between requests (default 1s)
 * @param maxPacketLossPercent {@code max_packet_loss_percent}: the loss at or under which the probe
 * succeeds (default 0: every request must be answered); at least one reply is needed all the same
 */
public record IcmpOptions(IpPreference ipProtocol, InetAddress sourceIpAddress, int payloadSize, boolean dontFragment,
		int ttl, int packets, Duration interval, double maxPacketLossPercent) {

	/** blackbox_exporter's {@code DefaultICMPTTL}. */
	public static final int DEFAULT_TTL = 64;

	/** Requests one probe may send: the sequence numbers of a probe stay far from wrapping. */
	public static final int MAX_PACKETS = 1000;

	/** The largest {@code payload_size}: an IPv4 packet of 65,535 bytes less its IP and ICMP headers. */
	public static final int MAX_PAYLOAD = 65_507;

	/** blackbox_exporter's defaults, and one packet. */
	public static final IcmpOptions DEFAULT = new IcmpOptions(IpPreference.DEFAULT, null, 0, false, DEFAULT_TTL, 1,
			Duration.ofSeconds(1), 0);

	/** The {@code icmp} prober in the module file, with blackbox_exporter's example module {@code icmp}. */
	public static final ProberKind<IcmpOptions> KIND = ProberKind.of("icmp", (section, files) -> parse(section))
		.withDefaultModule("icmp", "prober: icmp\ntimeout: 5s\n");

	static IcmpOptions parse(YamlSection s) {
		IpPreference ip = IpPreference.parse(s);
		InetAddress source = IpLiteral.sourceIpAddress(s);
		int payloadSize = integer(s, "payload_size", 0);
		if (payloadSize < 0 || payloadSize > MAX_PAYLOAD) {
			throw new ModuleConfigException(s.key("payload_size"), "must be from 0 to " + MAX_PAYLOAD + ", was " + payloadSize);
		}
		boolean dontFragment = s.bool("dont_fragment", false);
		int ttl = integer(s, "ttl", DEFAULT_TTL);
		if (ttl < 0) {
			throw new ModuleConfigException(s.key("ttl"), "\"ttl\" cannot be negative");
		}
		if (ttl > 255) {
			throw new ModuleConfigException(s.key("ttl"), "\"ttl\" cannot exceed 255");
		}
		int packets = integer(s, "packets", 1);
		if (packets < 1 || packets > MAX_PACKETS) {
			throw new ModuleConfigException(s.key("packets"), "must be from 1 to " + MAX_PACKETS + ", was " + packets);
		}
		Duration interval = s.duration("interval", DEFAULT.interval);
		if (interval.isNegative() || interval.isZero()) {
			throw new ModuleConfigException(s.key("interval"), "must be positive");
		}
		double loss = number(s, "max_packet_loss_percent", 0, "must be a number").doubleValue();
		if (!(loss >= 0 && loss <= 100)) {
			throw new ModuleConfigException(s.key("max_packet_loss_percent"), "must be from 0 to 100, was " + loss);
		}
		s.finish();
		return new IcmpOptions(ip, source, payloadSize, dontFragment, ttl, packets, interval, loss);
	}

	private static int integer(YamlSection s, String name, int fallback) {
		Number value = number(s, name, fallback, "must be a whole number");
		if (!(value instanceof Integer whole)) {
			throw new ModuleConfigException(s.key(name), "must be a whole number, was '" + value + "'");
		}
		return whole;
	}

	/** A YAML number, or {@code fallback} if absent; anything else fails with {@code must}. */
	private static Number number(YamlSection s, String name, Number fallback, String must) {
		Object value = s.raw(name);
		if (value == null) {
			return fallback;
		}
		if (!(value instanceof Number number)) {
			throw new ModuleConfigException(s.key(name), must + ", was '" + value + "'");
		}
		return number;
	}

}
