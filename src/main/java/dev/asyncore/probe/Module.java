package dev.asyncore.probe;

import java.time.Duration;

/**
 * One module of a blackbox_exporter module file: a prober and its options. Immutable; any thread.
 *
 * @param name the name used in {@code /probe?module=}
 * @param prober {@code http}, {@code dns}...
 * @param timeout the longest a probe may take; {@link Duration#ZERO} when the file leaves it out
 * (then the scrape's timeout, or 120 s, applies)
 * @param http the http prober's options
 * @param text the module as the file wrote it, rendered as YAML for {@code debug=true}
 * @param tls the {@code tls_config}'s loaded key and trust material, or {@code null} to use the
 * fetcher's TLS context (then the certificate gauges come only from a completed handshake)
 * @param dns the dns prober's options, or {@code null} for a module of another prober
 */
public record Module(String name, String prober, Duration timeout, HttpProbe http, String text, TlsMaterial tls,
		DnsProbe dns) {

	/** A module whose TLS material is loaded from {@code http.tls()} (blocking file I/O). */
	public static Module of(String name, Duration timeout, HttpProbe http, String text) {
		return new Module(name, "http", timeout, http, text,
				TlsMaterial.load(http.tls(), "modules." + name + ".http.tls_config"), null);
	}

	/** A module of the dns prober. */
	public static Module dns(String name, Duration timeout, DnsProbe dns, String text) {
		return new Module(name, "dns", timeout, HttpProbe.DEFAULT, text, null, dns);
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
