package dev.asyncore.http;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Reads a URL's host the way resolvers do, so that no spelling of an address slips past
 * {@link FetchPolicy}: IPv4 in the forms {@code inet_aton} accepts (decimal {@code 2130706433},
 * octal {@code 0177.0.0.1}, hex {@code 0x7f.1}, short {@code 127.1}), bracketed IPv6, trailing
 * dots, upper case and IDN. Never does a DNS look-up. Stateless; any thread.
 */
final class Hosts {

	/** A host as the client will use it. */
	record Host(String name, InetAddress literal) {

		/** Whether the URL named an address rather than a host name. */
		boolean isLiteral() {
			return this.literal != null;
		}

	}

	private Hosts() {
	}

	static Host parse(String raw) throws FetchException.InvalidUrl {
		if (raw == null || raw.isEmpty()) {
			throw new FetchException.InvalidUrl("The URL has no host");
		}
		if (raw.startsWith("[")) {
			return parseBracketed(raw);
		}
		String host = raw.toLowerCase(Locale.ROOT);
		if (!host.chars().allMatch(c -> c < 0x80)) {
			try {
				host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
			}
			catch (IllegalArgumentException ex) {
				throw new FetchException.InvalidUrl("Host '" + raw + "' is not a valid internationalised name");
			}
		}
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		String[] labels = host.split("\\.", -1);
		for (String label : labels) {
			if (label.isEmpty() || !label.chars().allMatch(Hosts::isHostChar)) {
				throw new FetchException.InvalidUrl("Host '" + raw + "' is not a valid host name");
			}
		}
		if (isNumeric(labels[labels.length - 1])) {
			int address = parseIpv4(labels, raw);
			return new Host(formatIpv4(address), toInet4(address));
		}
		return new Host(host, null);
	}

	private static Host parseBracketed(String raw) throws FetchException.InvalidUrl {
		if (!raw.endsWith("]") || raw.length() < 4) {
			throw new FetchException.InvalidUrl("Host '" + raw + "' has an unclosed '['");
		}
		String inner = raw.substring(1, raw.length() - 1);
		if (inner.indexOf(':') < 0 || !inner.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
			throw new FetchException.InvalidUrl("Host '" + raw + "' is not an IPv6 address (zone ids are not accepted)");
		}
		try {
			// with a ':' in it, getByName only parses a literal: no look-up
			InetAddress address = InetAddress.getByName(inner);
			return new Host("[" + inner.toLowerCase(Locale.ROOT) + "]", address);
		}
		catch (UnknownHostException | IllegalArgumentException ex) {
			throw new FetchException.InvalidUrl("Host '" + raw + "' is not a valid IPv6 address");
		}
	}

	private static boolean isHostChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}

	/** WHATWG URL: a host whose last label is a number is an IPv4 address, or invalid. */
	private static boolean isNumeric(String label) {
		if (label.startsWith("0x")) {
			return label.chars().skip(2).allMatch(c -> Character.digit(c, 16) >= 0);
		}
		return label.chars().allMatch(c -> c >= '0' && c <= '9');
	}

	private static int parseIpv4(String[] labels, String raw) throws FetchException.InvalidUrl {
		if (labels.length > 4) {
			throw notIpv4(raw);
		}
		long result = 0;
		for (int i = 0; i < labels.length; i++) {
			long part = parsePart(labels[i], raw);
			boolean last = i == labels.length - 1;
			long max = last ? (1L << (8 * (5 - labels.length))) - 1 : 255;
			if (part > max) {
				throw notIpv4(raw);
			}
			result = last ? (result << (8 * (5 - labels.length))) | part : (result << 8) | part;
		}
		return (int) result;
	}

	private static long parsePart(String part, String raw) throws FetchException.InvalidUrl {
		int radix = 10;
		String digits = part;
		if (part.startsWith("0x")) {
			radix = 16;
			digits = part.substring(2);
		}
		else if (part.length() > 1 && part.startsWith("0")) {
			radix = 8;
			digits = part.substring(1);
		}
		if (digits.isEmpty()) {
			return 0;
		}
		// at most 32 bits matter; longer numbers are invalid anyway
		if (digits.length() > 12) {
			throw notIpv4(raw);
		}
		try {
			return Long.parseLong(digits, radix);
		}
		catch (NumberFormatException ex) {
			throw notIpv4(raw);
		}
	}

	private static FetchException.InvalidUrl notIpv4(String raw) {
		return new FetchException.InvalidUrl("Host '" + raw + "' looks like an IPv4 address but is not a valid one");
	}

	private static String formatIpv4(int a) {
		return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
	}

	private static InetAddress toInet4(int a) {
		try {
			return InetAddress.getByAddress(
					new byte[] { (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("four bytes are always an IPv4 address", ex);
		}
	}

}
