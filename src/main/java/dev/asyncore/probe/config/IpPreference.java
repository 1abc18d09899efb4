package dev.asyncore.probe.config;

import java.net.InetAddress;

/**
 * {@code preferred_ip_protocol} and {@code ip_protocol_fallback}, read the same way for every
 * prober, and the one place that chooses a target's address by them. Immutable; any thread.
 *
 * @param preferred the family tried first ({@code ip6} unless the module says otherwise)
 * @param fallback whether an address of the other family may be used when there is none of the
 * preferred one
 */
public record IpPreference(IpProtocol preferred, boolean fallback) {

	/** blackbox_exporter's default: prefer IPv6, fall back to IPv4. */
	public static final IpPreference DEFAULT = new IpPreference(IpProtocol.IP6, true);

	/**
	 * Reads both options from a prober's section. An empty {@code preferred_ip_protocol} means
	 * {@code ip6}, as blackbox_exporter reads it for every prober.
	 */
	public static IpPreference parse(YamlSection s) {
		String text = s.string("preferred_ip_protocol", "");
		IpProtocol preferred = switch (text) {
			case "", "ip6" -> IpProtocol.IP6;
			case "ip4" -> IpProtocol.IP4;
			default -> throw new ModuleConfigException(s.key("preferred_ip_protocol"),
					"must be ip4 or ip6, was '" + text + "'");
		};
		return new IpPreference(preferred, s.bool("ip_protocol_fallback", true));
	}

	/**
	 * blackbox_exporter's {@code chooseProtocol} over the addresses a look-up returned: the first of
	 * the preferred family; else, with {@code fallback}, the last of the other (where Go's loop
	 * leaves its fallback); else {@code null}.
	 */
	public InetAddress choose(InetAddress... all) {
		InetAddress other = null;
		for (InetAddress address : all) {
			if (IpProtocol.of(address) == this.preferred) {
				return address;
			}
			other = address;
		}
		return this.fallback ? other : null;
	}

}
