package dev.asyncore.probe.target;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An address as Go's {@code net.IP.String()} writes it (RFC 5952 for IPv6), and blackbox_exporter's hash of it. */
public final class IpText {

	private IpText() {
	}

	public static String of(InetAddress address) {
		if (address instanceof Inet4Address) {
			return address.getHostAddress();
		}
		byte[] b = address.getAddress();
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8;) {
			int j = i;
			while (j < 8 && groups[j] == 0) {
				j++;
			}
			if (j - i > bestLength) {
				bestStart = i;
				bestLength = j - i;
			}
			i = (j == i) ? i + 1 : j;
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

	/** FNV-1a, 32 bits, of the address bytes (4 for IPv4, 16 for IPv6): {@code probe_ip_addr_hash}. */
	public static long hash(InetAddress address) {
		int hash = 0x811c9dc5;
		for (byte c : address.getAddress()) {
			hash ^= (c & 0xff);
			hash *= 0x01000193;
		}
		return hash & 0xffffffffL;
	}

}
