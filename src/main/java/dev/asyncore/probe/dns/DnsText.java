package dev.asyncore.probe.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Map;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import dev.asyncore.probe.target.IpText;

/**
 * DNS values written as blackbox_exporter (through miekg/dns) writes them, so that a module's
 * regular expressions and rcode names mean the same here. Any thread.
 */
final class DnsText {

	/** miekg/dns's {@code StringToRcode}, {@code NOTIMPL} included. */
	private static final Map<String, Integer> RCODES = Map.ofEntries(Map.entry("NOERROR", 0), Map.entry("FORMERR", 1),
			Map.entry("SERVFAIL", 2), Map.entry("NXDOMAIN", 3), Map.entry("NOTIMP", 4), Map.entry("NOTIMPL", 4),
			Map.entry("REFUSED", 5), Map.entry("YXDOMAIN", 6), Map.entry("YXRRSET", 7), Map.entry("NXRRSET", 8),
			Map.entry("NOTAUTH", 9), Map.entry("NOTZONE", 10), Map.entry("BADSIG", 16), Map.entry("BADKEY", 17),
			Map.entry("BADTIME", 18), Map.entry("BADMODE", 19), Map.entry("BADNAME", 20), Map.entry("BADALG", 21),
			Map.entry("BADTRUNC", 22), Map.entry("BADCOOKIE", 23));

	private static final String[] RCODE_NAMES = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
			"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };

	private DnsText() {
	}

	/** The rcode called {@code name}, or -1. Case-sensitive, as blackbox_exporter's look-up. */
	static int rcode(String name) {
		Integer rcode = RCODES.get(name);
		return (rcode != null) ? rcode : -1;
	}

	/** The name of {@code rcode} (a header's 4 bits: no EDNS, so no extended rcode). */
	static String rcodeName(int rcode) {
		return (rcode >= 0 && rcode < RCODE_NAMES.length) ? RCODE_NAMES[rcode] : "RCODE" + rcode;
	}

	/** A class as miekg/dns's {@code Class.String()}. */
	static String className(int dclass) {
		return switch (dclass) {
			case 1 -> "IN";
			case 2 -> "CS";
			case 3 -> "CH";
			case 4 -> "HS";
			case 254 -> "NONE";
			case 255 -> "ANY";
			default -> "CLASS" + dclass;
		};
	}

	/**
	 * A record as miekg/dns's {@code RR.String()}: owner, TTL, class, type and data separated by one
	 * tab each ({@code "www.example.org.\t300\tIN\tA\t192.0.2.1"}). The data is dnsjava's
	 * presentation form, which is miekg/dns's for the usual types; an AAAA is written as Go's
	 * {@code net.IP.String()} (RFC 5952, an IPv4-mapped address in dotted form).
	 */
	static String rr(Record record) {
		StringBuilder text = new StringBuilder(64).append(record.getName()).append('\t').append(record.getTTL())
			.append('\t').append(className(record.getDClass())).append('\t').append(Type.string(record.getType()))
			.append('\t');
		if (record instanceof AAAARecord aaaa) {
			InetAddress address = aaaa.getAddress();
			text.append((address instanceof Inet4Address) ? address.getHostAddress() : IpText.of(address));
		}
		else {
			text.append(record.rdataToString());
		}
		return text.toString();
	}

}
