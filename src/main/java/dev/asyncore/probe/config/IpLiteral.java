package dev.asyncore.probe.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP literals ({@code 127.0.0.1}, {@code ::1}, {@code [::1]}) as the module file and targets write
 * them: parsed, never looked up, so they are safe on the loop thread. Any thread.
 */
public final class IpLiteral {

	/** A text the JDK parses as an IPv6 literal without a look-up (it starts with a hex digit or a colon). */
	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

	private IpLiteral() {
	}

	/** The address {@code text} names if it is an IP literal (IPv6 with or without brackets), else {@code null}. */
	public static InetAddress parse(String text) {
		String bare = (text.startsWith("[") && text.endsWith("]")) ? text.substring(1, text.length() - 1) : text;
		try {
			if (bare.indexOf(':') >= 0) {
				return IPV6.matcher(bare).matches() ? InetAddress.getByName(bare) : null;
			}
			return ipv4(bare);
		}
		catch (UnknownHostException ex) {
			return null; // not a literal after all; nothing was looked up
		}
	}

	/** Four dotted decimal parts of up to three digits, each at most 255; anything else is {@code null}. */
	private static InetAddress ipv4(String text) throws UnknownHostException {
		byte[] bytes = new byte[4];
		int part = 0;
		int value = 0;
		int digits = 0;
		for (int i = 0; i <= text.length(); i++) {
			char c = (i < text.length()) ? text.charAt(i) : '.';
			if (c >= '0' && c <= '9' && digits < 3) {
				value = value * 10 + (c - '0');
				digits++;
			}
			else if (c == '.' && digits > 0 && value <= 255 && part < 4) {
				bytes[part++] = (byte) value;
				value = 0;
				digits = 0;
			}
			else {
				return null;
			}
		}
		return (part == 4) ? InetAddress.getByAddress(bytes) : null;
	}

	/**
	 * A prober's {@code source_ip_address}: an IP literal, checked when the file is read (where
	 * blackbox_exporter checks it per probe); {@code null} when absent or empty.
	 */
	public static InetAddress sourceIpAddress(YamlSection s) {
		String text = s.string("source_ip_address", "");
		if (text.isEmpty()) {
			return null;
		}
		InetAddress address = parse(text);
		if (address == null) {
			throw new ModuleConfigException(s.key("source_ip_address"), "'" + text + "' is not an IP address");
		}
		return address;
	}

}
