package dev.asyncore.probe.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.config.YamlSection;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code dns} section of a blackbox_exporter module, with blackbox_exporter 0.23's option names,
 * defaults and load-time checks. Immutable; any thread.
 *
 * @param queryName the name asked for, made absolute ({@code dns.Fqdn}: a trailing dot is added)
 * @param queryType the question's type ({@code A}, {@code SOA}...; default {@code ANY}) as a dnsjava {@link Type} value
 * @param queryClass the question's class ({@code IN} by default)
 * @param transportProtocol {@code udp} (the default) or {@code tcp}
 * @param dnsOverTls whether the TCP connection is TLS (RFC 7858; the target's port is then 853 by default)
 * @param tlsConfig the {@code tls_config}: read strictly, used (and its files loaded) only with {@code dnsOverTls}
 * @param ipProtocol {@code preferred_ip_protocol} ({@code ip6} by default) and {@code ip_protocol_fallback}
 * ({@code true} by default) for the server's address
 * @param sourceAddress the local address queries go out from, or {@code null} for the system's choice
 * @param recursionDesired the RD bit (default {@code true})
 * @param validRcodes rcode values that pass; {@code NOERROR} only by default
 * @param answer checks on the answer section
 * @param authority checks on the authority section
 * @param additional checks on the additional section
 * @param tlsMaterial the {@code tls_config}'s loaded material with {@code dnsOverTls}, else {@code null}
 */
public record DnsOptions(Name queryName, int queryType, int queryClass, String transportProtocol, boolean dnsOverTls,
		TlsConfig tlsConfig, IpPreference ipProtocol, InetAddress sourceAddress, boolean recursionDesired,
		List<Integer> validRcodes, DnsRrCheck answer, DnsRrCheck authority, DnsRrCheck additional,
		TlsMaterial tlsMaterial) {

	/** The default module of this prober, always present as the http prober's {@code http_2xx} is. */
	public static final String DEFAULT_MODULE = "dns_udp";

	/** {@link #DEFAULT_MODULE}'s definition: an A query for {@code localhost}, which resolvers answer themselves (RFC 6761). */
	private static final String DEFAULT_MODULE_YAML = "prober: dns\ntimeout: 5s\ndns:\n  query_name: localhost\n  query_type: A\n";

	/**
	 * The {@code dns} prober in the module file: its section read by {@link #parse}; with
	 * {@code dns_over_tls} its {@code tls_config} is loaded for each module (without it the files are
	 * not read, as blackbox_exporter builds its TLS configuration only for DNS over TLS); its section
	 * in another prober's module is allowed and left unread; {@code dns_udp} is in every file.
	 */
	public static final ProberKind<DnsOptions> KIND = ProberKind.of("dns", DnsOptions::parse)
		.loading((dns, key) -> dns.dnsOverTls()
				? dns.withTlsMaterial(TlsMaterial.load(dns.tlsConfig(), key + ".tls_config")) : dns)
		.withDefaultModule(DEFAULT_MODULE, DEFAULT_MODULE_YAML)
		.uncheckedInOtherModules();

	/** miekg/dns's {@code StringToClass}: the class names blackbox_exporter accepts. */
	private static final Map<String, Integer> CLASSES = Map.of("IN", 1, "CS", 2, "CH", 3, "HS", 4, "NONE", 254,
			"ANY", 255);

	public DnsOptions {
		validRcodes = List.copyOf(validRcodes);
	}

	/** These options with {@code material} as the {@code tls_config}'s loaded material. */
	public DnsOptions withTlsMaterial(TlsMaterial material) {
		return new DnsOptions(this.queryName, this.queryType, this.queryClass, this.transportProtocol, this.dnsOverTls,
				this.tlsConfig, this.ipProtocol, this.sourceAddress, this.recursionDesired, this.validRcodes, this.answer,
				this.authority, this.additional, material);
	}

	/**
	 * Reads a module's {@code dns} section. Without one blackbox_exporter asks {@code . ANY} (its
	 * {@code query_name} check runs only on a section that is {@link YamlSection#present() there}).
	 * @param files resolves {@code tls_config}'s {@code *_file} paths (relative to the module file)
	 */
	static DnsOptions parse(YamlSection s, ModuleFiles files) {
		String name = s.string("query_name", "");
		if (name.isEmpty() && s.present()) {
			throw new ModuleConfigException(s.key("query_name"), "is required: query name must be set for DNS module");
		}
		Name queryName;
		try {
			queryName = Name.fromString(name.endsWith(".") ? name : name + ".");
		}
		catch (TextParseException ex) {
			throw new ModuleConfigException(s.key("query_name"), "'" + name + "' is not a domain name: " + ex.getMessage());
		}
		String type = s.string("query_type", "ANY");
		int queryType = Type.value(type);
		if (queryType < 0 || !Type.string(queryType).equals(type)) {
			throw new ModuleConfigException(s.key("query_type"), "query type '" + type
					+ "' is not valid (an upper-case type name such as A, AAAA, MX, SOA or ANY)");
		}
		String dclass = s.string("query_class", "IN");
		Integer queryClass = CLASSES.get(dclass);
		if (queryClass == null) {
			throw new ModuleConfigException(s.key("query_class"), "query class '" + dclass + "' is not valid; use one of "
					+ String.join(", ", new TreeSet<>(CLASSES.keySet())));
		}
		String transport = s.string("transport_protocol", "udp");
		if (!transport.equals("udp") && !transport.equals("tcp")) {
			throw new ModuleConfigException(s.key("transport_protocol"), "must be udp or tcp, was '" + transport + "'");
		}
		boolean overTls = s.bool("dns_over_tls", false);
		if (overTls && !transport.equals("tcp")) {
			// blackbox_exporter 0.23 loads this and fails every probe ("Expected transport protocol tcp for DoT")
			throw new ModuleConfigException(s.key("dns_over_tls"), "DNS over TLS needs transport_protocol: tcp, was "
					+ (s.has("transport_protocol") ? "'" + transport + "'" : "udp (the default)"));
		}
		TlsConfig tls = TlsConfig.parse(s.section("tls_config"), files);
		IpPreference ip = IpPreference.parse(s);
		InetAddress source = IpLiteral.sourceIpAddress(s);
		List<Integer> rcodes = new ArrayList<>();
		List<String> rcodeNames = s.strings("valid_rcodes");
		for (int i = 0; i < rcodeNames.size(); i++) {
			int rcode = DnsText.rcode(rcodeNames.get(i));
			if (rcode < 0) {
				throw new ModuleConfigException(s.key("valid_rcodes") + "[" + i + "]", "'" + rcodeNames.get(i)
						+ "' is not an rcode name such as NOERROR, NXDOMAIN, SERVFAIL or REFUSED");
			}
			rcodes.add(rcode);
		}
		if (rcodes.isEmpty()) {
			rcodes.add(0); // blackbox_exporter: without valid_rcodes only NOERROR passes
		}
		DnsOptions probe = new DnsOptions(queryName, queryType, queryClass, transport, overTls, tls, ip, source,
				s.bool("recursion_desired", true), rcodes, DnsRrCheck.parse(s.section("validate_answer_rrs")),
				DnsRrCheck.parse(s.section("validate_authority_rrs")), DnsRrCheck.parse(s.section("validate_additional_rrs")),
				null);
		s.finish();
		return probe;
	}

	/** Whether the transport is TCP. */
	public boolean tcp() {
		return this.transportProtocol.equals("tcp");
	}

}
