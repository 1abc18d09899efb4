package dev.asyncore.boot.reactor;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * Socket addresses as people write them: {@code 127.0.0.1:7007}, {@code [::1]:7007} (IPv6
 * bracketed and in its shortest form, RFC 5952), never the JDK's {@code /0:0:0:0:0:0:0:1:7007}.
 * Stateless; any thread.
 */
public final class HostPort {

	private HostPort() {
	}

	/** {@code address} as {@code host:port}; other address kinds as their {@code toString()}, null as null. */
	public static String of(SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet)) {
			return (address != null) ? address.toString() : null;
		}
		if (inet.getAddress() == null) {
			return inet.getHostString() + ":" + inet.getPort();
		}
		if (inet.getAddress() instanceof Inet6Address v6) {
			return "[" + compress(v6.getHostAddress()) + "]:" + inet.getPort();
		}
		return inet.getAddress().getHostAddress() + ":" + inet.getPort();
	}

	/** {@code 0:0:0:0:0:0:0:1} → {@code ::1}: the longest run of two or more zero groups becomes {@code ::}. */
	static String compress(String full) {
		int percent = full.indexOf('%');
		String scope = (percent >= 0) ? full.substring(percent) : "";
		String[] groups = ((percent >= 0) ? full.substring(0, percent) : full).split(":");
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < groups.length; i++) {
			groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
			int j = i;
			while (j < groups.length && groups[j].matches("0+")) {
				j++;
			}
			if (j - i > bestLength) {
				bestStart = i;
				bestLength = j - i;
			}
		}
		if (bestStart < 0) {
			return String.join(":", groups) + scope;
		}
		String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
		String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
		return head + "::" + tail + scope;
	}

}
