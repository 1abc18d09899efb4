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
 * tcp_connect and dns_udp (a file gets them too unless it defines them)
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
 * @param historyLimit how many recent probes are kept for the operator pages (blackbox_exporter's
 * --history.limit); as many older failed probes are kept beyond them; 0 keeps none
 * @param logProber the level at which a failed probe's log is written to the service's log:
 * debug, info, warn or error (blackbox_exporter's --log.prober)
 */
@ConfigurationProperties("asyncore.blackbox")
public record BlackboxProperties(String configFile, @DefaultValue("true") boolean allowPrivateNetworks,
		@DefaultValue List<String> allowedHosts, @DefaultValue("1024") int maxInFlight,
		@DefaultValue("500ms") Duration timeoutOffset, @DefaultValue("5s") Duration reloadCheckInterval,
		@DefaultValue("10485760") long maxBodySize, DataSize probeMemory,
		@DefaultValue("10s") Duration requestHeadTimeout,
		@DefaultValue("30s") Duration requestBodyTimeout, @DefaultValue("100") int historyLimit,
		@DefaultValue("info") String logProber) {

	public BlackboxProperties {
		allowedHosts = List.copyOf(allowedHosts);
		if (historyLimit < 0) {
			throw new InvalidConfigurationException("asyncore.blackbox.history-limit", "must not be negative, was " + historyLimit);
		}
		if (!List.of("debug", "info", "warn", "error").contains(logProber)) {
			throw new InvalidConfigurationException("asyncore.blackbox.log-prober",
					"must be debug, info, warn or error, was '" + logProber + "'");
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

}
