package dev.asyncore.probe.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address family as blackbox_exporter names it in {@code preferred_ip_protocol} and reports it
 * in {@code probe_ip_protocol}.
 */
public enum IpProtocol {

	/** IPv4: {@code ip4}, reported as 4. */
	IP4(4),

	/** IPv6: {@code ip6}, reported as 6. */
	IP6(6);

	private final int number;

	IpProtocol(int number) {
		this.number = number;
	}

	/** The family of {@code address} (an IPv4-mapped IPv6 address is IPv4, as Go's {@code To4} reads it). */
	public static IpProtocol of(InetAddress address) {
		return (address instanceof Inet6Address) ? IP6 : IP4;
	}

	/** The value of {@code probe_ip_protocol}: 4 or 6. */
	public int number() {
		return this.number;
	}

	/** {@code ip4} or {@code ip6}, as the module file writes it. */
	@Override
	public String toString() {
		return "ip" + this.number;
	}

}
