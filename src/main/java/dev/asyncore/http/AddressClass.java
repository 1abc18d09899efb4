package dev.asyncore.http;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The kind of destination an IP address is, for {@link FetchPolicy}. IPv6 forms that embed an
 * IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, SIIT
 * {@code ::ffff:0:0:0/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are classified by
 * the embedded address. Stateless; any thread.
 */
public enum AddressClass {

	/** Globally routable unicast: the only class fetched by default. */
	PUBLIC,
	/** 127.0.0.0/8, ::1. */
	LOOPBACK,
	/** RFC 1918 (10/8, 172.16/12, 192.168/16), fc00::/7, fec0::/10, 64:ff9b:1::/48. */
	PRIVATE,
	/** Carrier-grade NAT shared space 100.64.0.0/10. */
	SHARED,
	/** 169.254.0.0/16 (cloud metadata lives here), fe80::/10. */
	LINK_LOCAL,
	/** 224.0.0.0/4, ff00::/8. */
	MULTICAST,
	/** 0.0.0.0, :: (connecting to it reaches the local host). */
	UNSPECIFIED,
	/** 255.255.255.255. */
	BROADCAST,
	/** Everything else that is not public unicast: 0/8, 240/4, documentation, benchmarking, Teredo... */
	RESERVED;

	/** Classifies {@code address} by its bytes; never does a DNS look-up. */
	public static AddressClass of(InetAddress address) {
		byte[] b = address.getAddress();
		if (address instanceof Inet4Address) {
			return ofIpv4(toInt(b, 0));
		}
		return ofIpv6(b);
	}

	private static int toInt(byte[] b, int offset) {
		return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
				| (b[offset + 3] & 0xff);
	}

	private static boolean in(int address, int network, int prefix) {
		int mask = (prefix == 0) ? 0 : -1 << (32 - prefix);
		return (address & mask) == (network & mask);
	}

	private static int ipv4(int a, int b, int c, int d) {
		return (a << 24) | (b << 16) | (c << 8) | d;
	}

	static AddressClass ofIpv4(int a) {
		if (a == 0) {
			return UNSPECIFIED;
		}
		if (a == -1) {
			return BROADCAST;
		}
		if (in(a, ipv4(127, 0, 0, 0), 8)) {
			return LOOPBACK;
		}
		if (in(a, ipv4(10, 0, 0, 0), 8) || in(a, ipv4(172, 16, 0, 0), 12) || in(a, ipv4(192, 168, 0, 0), 16)) {
			return PRIVATE;
		}
		if (in(a, ipv4(169, 254, 0, 0), 16)) {
			return LINK_LOCAL;
		}
		if (in(a, ipv4(100, 64, 0, 0), 10)) {
			return SHARED;
		}
		if (in(a, ipv4(224, 0, 0, 0), 4)) {
			return MULTICAST;
		}
		if (in(a, 0, 8) || in(a, ipv4(240, 0, 0, 0), 4) || in(a, ipv4(192, 0, 0, 0), 24)
				|| in(a, ipv4(192, 0, 2, 0), 24) || in(a, ipv4(198, 51, 100, 0), 24) || in(a, ipv4(203, 0, 113, 0), 24)
				|| in(a, ipv4(198, 18, 0, 0), 15)) {
			return RESERVED;
		}
		return PUBLIC;
	}

	private static AddressClass ofIpv6(byte[] b) {
		int w0 = toInt(b, 0);
		int w1 = toInt(b, 4);
		int w2 = toInt(b, 8);
		int w3 = toInt(b, 12);
		if (w0 == 0 && w1 == 0 && w2 == 0) {
			// ::, ::1, and IPv4-compatible ::a.b.c.d
			if (w3 == 0) {
				return UNSPECIFIED;
			}
			return (w3 == 1) ? LOOPBACK : ofIpv4(w3);
		}
		if (w0 == 0 && w1 == 0 && (w2 == 0x0000ffff || w2 == 0xffff0000)) {
			return ofIpv4(w3); // IPv4-mapped ::ffff:a.b.c.d and SIIT ::ffff:0:a.b.c.d
		}
		if (w0 == 0x0064ff9b && w1 == 0 && w2 == 0) {
			return ofIpv4(w3); // NAT64 well-known prefix
		}
		if (w0 == 0x0064ff9b && (w1 >>> 16) == 0x0001) {
			return PRIVATE; // local-use NAT64 64:ff9b:1::/48
		}
		int first = b[0] & 0xff;
		if ((w0 >>> 16) == 0x2002) {
			return ofIpv4((w0 << 16) | (w1 >>> 16)); // 6to4 embeds the IPv4 address
		}
		if (first == 0xff) {
			return MULTICAST;
		}
		if ((first & 0xfe) == 0xfc) {
			return PRIVATE;
		}
		if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
			return LINK_LOCAL;
		}
		if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
			return PRIVATE; // deprecated site-local
		}
		if ((first & 0xe0) != 0x20 || w0 == 0x20010db8 || w0 == 0x20010000) {
			return RESERVED; // outside 2000::/3, documentation, Teredo
		}
		return PUBLIC;
	}

}
