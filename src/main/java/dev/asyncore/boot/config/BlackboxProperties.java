package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The blackbox_exporter drop-in ({@code asyncore.blackbox}), served by listeners of
 * {@code type: blackbox}. Immutable.
 *
 * @param configFile blackbox_exporter's module file; unset means only the built-in modules http_2xx,
 * tcp_connect, dns_udp and icmp (a file gets them too unless it defines them)
 * @param allowPrivateNetworks whether probes may reach loopback and private addresses (probing
 * internal targets is this endpoint's main use)
 * @param allowedHosts if non-empty, the only hosts probed (exact or *.suffix)
 * @param maxInFlight probes running at once over all listeners; more get 503
 * @param timeoutOffset subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds
 * @param reloadCheckInterval how often the module file's modification time is checked; 0 never
 * @param maxBodySize body limit of a probe whose module sets no body_size_limit
 * @param probeMemory the most all probes may hold at once (kept and decoded bodies, TLS and DNS
 * buffers), each probe at most a quarter of it; unset means a quarter of the heap limit
 * @param requestHeadTimeout how long a request line and headers may take to arrive on a blackbox
 * listener (from the accept for a connection's first request); then 408, or a silent close if
 * nothing came
 * @param requestBodyTimeout how long a request body may take to arrive after its head; then 408
 * @param listenAddress blackbox_exporter's --web.listen-address: host:port values (":9115" is every
 * IPv4 address) that replace the host and port of the first blackbox listener, each further one a
 * blackbox listener of its own (blackbox-2, ...); empty leaves the listeners as configured
 * @param routePrefix the path prefix of every path of the blackbox listeners, such as /blackbox
 * (blackbox_exporter's --web.route-prefix); unset means the path of external-url, or none
 * @param externalUrl the URL under which the blackbox listener is reached through a proxy
 * (blackbox_exporter's --web.external-url); its path is the default route-prefix
 * @param historyLimit how many recent probes are kept for the operator pages (blackbox_exporter's
 * --history.limit); as many older failed probes are kept beyond them; 0 keeps none
 * @param logProber the level at which a failed probe's log is written to the service's log:
 * debug, info, warn or error (blackbox_exporter's --log.prober)
 * @param warmUp whether, once the service is ready, one probe per prober the module file uses runs
 * on a loop of its own against a refusing loopback port, so that the first probe a caller asks for
 * does not load the probe path's classes on a serving loop (a 30-170 ms pass)
 */
@ConfigurationProperties("asyncore.blackbox")
public record BlackboxProperties(String configFile, @DefaultValue("true") boolean allowPrivateNetworks,
		@DefaultValue List<String> allowedHosts, @DefaultValue("1024") int maxInFlight,
		@DefaultValue("500ms") Duration timeoutOffset, @DefaultValue("5s") Duration reloadCheckInterval,
		@DefaultValue("10485760") long maxBodySize, DataSize probeMemory,
		@DefaultValue("10s") Duration requestHeadTimeout,
		@DefaultValue("30s") Duration requestBodyTimeout, @DefaultValue List<String> listenAddress, String routePrefix,
		String externalUrl, @DefaultValue("100") int historyLimit, @DefaultValue("info") String logProber,
		@DefaultValue("true") boolean warmUp) {

	public BlackboxProperties {
		allowedHosts = List.copyOf(allowedHosts);
		listenAddress = List.copyOf(listenAddress);
		if (historyLimit < 0) {
			throw new InvalidConfigurationException("asyncore.blackbox.history-limit", "must not be negative, was " + historyLimit);
		}
		if (!List.of("debug", "info", "warn", "error").contains(logProber)) {
			throw new InvalidConfigurationException("asyncore.blackbox.log-prober",
					"must be debug, info, warn or error, was '" + logProber + "'");
		}
		if (routePrefix != null && !routePrefix.isEmpty() && !routePrefix.startsWith("/")) {
			throw new InvalidConfigurationException("asyncore.blackbox.route-prefix", "must start with /, was '" + routePrefix + "'");
		}
		if (maxInFlight < 1) {
			throw new InvalidConfigurationException("asyncore.blackbox.max-in-flight", "must be at least 1, was " + maxInFlight);
		}
		if (timeoutOffset.isNegative()) {
			throw new InvalidConfigurationException("asyncore.blackbox.timeout-offset", "must not be negative");
		}
		if (reloadCheckInterval.isNegative()) {
			throw new InvalidConfigurationException("asyncore.blackbox.reload-check-interval", "must not be negative");
		}
		if (probeMemory != null && probeMemory.toBytes() < (1L << 20)) {
			throw new InvalidConfigurationException("asyncore.blackbox.probe-memory", "must be at least 1MB, was " + probeMemory);
		}
		if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()) {
			throw new InvalidConfigurationException("asyncore.blackbox.request-head-timeout", "must be positive");
		}
		if (requestBodyTimeout.isNegative() || requestBodyTimeout.isZero()) {
			throw new InvalidConfigurationException("asyncore.blackbox.request-body-timeout", "must be positive");
		}
	}

	/**
	 * The prefix of every path on the blackbox listeners, without a trailing slash: route-prefix, else
	 * the path of external-url, else empty.
	 */
	public String effectiveRoutePrefix() {
		String prefix = this.routePrefix;
		if (prefix == null && this.externalUrl != null && !this.externalUrl.isBlank()) {
			prefix = java.net.URI.create(this.externalUrl.strip()).getPath();
		}
		if (prefix == null) {
			return "";
		}
		return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
	}

}
