package dev.asyncore.probe;

import java.time.Duration;

/**
 * One module of a blackbox_exporter module file: a prober and its options. Immutable; any thread.
 *
 * @param name the name used in {@code /probe?module=}
 * @param prober {@code http}, {@code tcp}, {@code udp} or {@code dns}
 * @param timeout the longest a probe may take; {@link Duration#ZERO} when the file leaves it out
 * (then the scrape's timeout, or 120 s, applies)
 * @param http the http prober's options
 * @param text the module as the file wrote it, rendered as YAML for {@code debug=true}
 * @param tls the {@code tls_config}'s loaded key and trust material, or {@code null} to use the
 * fetcher's TLS context (then the certificate gauges come only from a completed handshake); for
 * tcp, the {@code tcp.tls_config}'s; for dns, the {@code dns.tls_config}'s with {@code dns_over_tls},
 * else {@code null}
 * @param tcp the tcp prober's options, or {@code null} when the prober is not tcp
 * @param udp the udp prober's options, or {@code null} when the prober is not udp
 * @param dns the dns prober's options, or {@code null} when the prober is not dns
 */
public record Module(String name, String prober, Duration timeout, HttpProbe http, String text, TlsMaterial tls,
		TcpProbe tcp, UdpProbe udp, DnsProbe dns) {

	/** An http module with no other prober's options. */
	public Module(String name, String prober, Duration timeout, HttpProbe http, String text, TlsMaterial tls) {
		this(name, prober, timeout, http, text, tls, null, null, null);
	}

	/** A module whose TLS material is loaded from {@code http.tls()} (blocking file I/O). */
	public static Module of(String name, Duration timeout, HttpProbe http, String text) {
		return new Module(name, "http", timeout, http, text,
				TlsMaterial.load(http.tls(), "modules." + name + ".http.tls_config"));
	}

	/**
	 * A module of the dns prober; with {@code dns_over_tls} its TLS material is loaded from
	 * {@code dns.tlsConfig()} (blocking file I/O). Without it the {@code tls_config} is not used, and
	 * its files are not read, as blackbox_exporter builds its TLS configuration only for DNS over TLS.
	 */
	public static Module dns(String name, Duration timeout, DnsProbe dns, String text) {
		TlsMaterial tls = dns.dnsOverTls() ? TlsMaterial.load(dns.tlsConfig(), "modules." + name + ".dns.tls_config")
				: null;
		return new Module(name, "dns", timeout, HttpProbe.DEFAULT, text, tls, null, null, dns);
	}

	/** A tcp module whose TLS material is loaded from {@code tcp.tlsConfig()} (blocking file I/O). */
	public static Module tcp(String name, Duration timeout, TcpProbe tcp, String text) {
		return new Module(name, "tcp", timeout, HttpProbe.DEFAULT, text,
				TlsMaterial.load(tcp.tlsConfig(), "modules." + name + ".tcp.tls_config"), tcp, null, null);
	}

	/** A udp module. */
	public static Module udp(String name, Duration timeout, UdpProbe udp, String text) {
		return new Module(name, "udp", timeout, HttpProbe.DEFAULT, text, null, null, udp, null);
	}

	/** blackbox_exporter's fallback when neither the module nor the scrape gives a timeout. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

	/**
	 * The time a probe gets: the scrape's timeout (if the header gave one) less {@code offset},
	 * capped by the module's own timeout, as blackbox_exporter computes it.
	 * @param scrapeTimeoutSeconds the {@code X-Prometheus-Scrape-Timeout-Seconds} value, or a
	 * negative number when absent
	 */
	public Duration effectiveTimeout(double scrapeTimeoutSeconds, Duration offset) {
		Duration budget = DEFAULT_TIMEOUT;
		if (scrapeTimeoutSeconds >= 0) {
			budget = Duration.ofNanos((long) (scrapeTimeoutSeconds * 1e9)).minus(offset);
		}
		if (!this.timeout.isZero() && (this.timeout.compareTo(budget) < 0 || budget.isNegative())) {
			budget = this.timeout;
		}
		return budget;
	}

}
