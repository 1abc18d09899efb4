package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.asyncore.http.FetchPolicy;

/**
 * The fetch service (asyncore.fetch): what /fetch and the probes may fetch, and how
 * many fetches run at once. Mapped into the library's FetchPolicy by toPolicy().
 * Immutable; checked while binding, each failure naming its property.
 *
 * @param allowPrivateNetworks also fetch loopback, RFC 1918 / unique-local and carrier-grade NAT
 * addresses; link-local (cloud metadata), multicast and reserved addresses are never fetched
 * @param allowedHosts if not empty, the only hosts fetched: exact names, or *.example.org
 * for its sub-domains
 * @param connectTimeout longest wait for a TCP connection
 * @param readTimeout longest time without a byte moving once connected
 * @param totalTimeout longest time for a whole fetch, DNS and redirects included (a 504)
 * @param maxBodySize largest response body accepted (a 413 beyond it)
 * @param maxRedirects most redirects followed; 0 returns the redirect itself
 * @param maxConcurrent fetches of the REST API in flight at once; above it requests get 503
 * with Retry-After
 * @param maxInlineBody with body=true, the most body bytes put into the JSON answer (the
 * rest is cut, and bodyTruncated says so)
 * @param maxRequestSize largest body of a POST /fetch request, read before it is parsed (a 413
 * beyond it)
 * @param maxBatchSize most URLs in one POST /fetch (a 400 beyond it)
 * @param tlsBundle name of a Spring Boot SSL bundle whose trust store replaces the JDK's default
 * certificate authorities for https fetches and probes (a private CA), and whose key store, if
 * any, is the client certificate presented; read at startup
 */
public record FetchProperties(@DefaultValue("false") boolean allowPrivateNetworks,
		@DefaultValue List<String> allowedHosts, @DefaultValue("5s") Duration connectTimeout,
		@DefaultValue("10s") Duration readTimeout, @DefaultValue("30s") Duration totalTimeout,
		@DefaultValue("10MB") DataSize maxBodySize, @DefaultValue("5") int maxRedirects,
		@DefaultValue("256") int maxConcurrent, @DefaultValue("1MB") DataSize maxInlineBody,
		@DefaultValue("64KB") DataSize maxRequestSize, @DefaultValue("64") int maxBatchSize,
		String tlsBundle) {

	private static final String PREFIX = "asyncore.fetch.";

	public FetchProperties {
		allowedHosts = List.copyOf(allowedHosts);
		Required.present(PREFIX + "connect-timeout", connectTimeout, Required.DURATION);
		Required.present(PREFIX + "read-timeout", readTimeout, Required.DURATION);
		Required.present(PREFIX + "total-timeout", totalTimeout, Required.DURATION);
		Required.present(PREFIX + "max-body-size", maxBodySize, Required.SIZE);
		Required.present(PREFIX + "max-inline-body", maxInlineBody, Required.SIZE);
		Required.present(PREFIX + "max-request-size", maxRequestSize, Required.SIZE);
		for (int i = 0; i < allowedHosts.size(); i++) {
			if (allowedHosts.get(i).isBlank()) {
				throw new InvalidConfigurationException(PREFIX + "allowed-hosts[" + i + "]", "must not be blank");
			}
		}
		requirePositive(PREFIX + "connect-timeout", connectTimeout);
		requirePositive(PREFIX + "read-timeout", readTimeout);
		requirePositive(PREFIX + "total-timeout", totalTimeout);
		if (maxBodySize.toBytes() < 0) {
			throw new InvalidConfigurationException(PREFIX + "max-body-size", "must not be negative, was " + maxBodySize);
		}
		if (maxInlineBody.toBytes() < 0) {
			throw new InvalidConfigurationException(PREFIX + "max-inline-body",
					"must not be negative, was " + maxInlineBody);
		}
		if (maxRedirects < 0) {
			throw new InvalidConfigurationException(PREFIX + "max-redirects", "must not be negative, was " + maxRedirects);
		}
		if (maxRequestSize.toBytes() < 1) {
			throw new InvalidConfigurationException(PREFIX + "max-request-size", "must be positive, was " + maxRequestSize);
		}
		if (maxBatchSize < 1) {
			throw new InvalidConfigurationException(PREFIX + "max-batch-size", "must be at least 1, was " + maxBatchSize);
		}
		if (maxConcurrent < 1) {
			throw new InvalidConfigurationException(PREFIX + "max-concurrent", "must be at least 1, was " + maxConcurrent);
		}
	}

	/** The library policy these settings describe; any port, the library's header limit. */
	public FetchPolicy toPolicy() {
		return FetchPolicy.builder()
			.allowPrivateNetworks(this.allowPrivateNetworks)
			.privateNetworksSetting(PREFIX + "allow-private-networks: true")
			.allowedHosts(new HashSet<>(this.allowedHosts))
			.allowedPorts(Set.of())
			.connectTimeout(this.connectTimeout)
			.readTimeout(this.readTimeout)
			.totalTimeout(this.totalTimeout)
			.maxBodySize(this.maxBodySize.toBytes())
			.maxRedirects(this.maxRedirects)
			.build();
	}

	static void requirePositive(String property, Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new InvalidConfigurationException(property, "must be positive, was " + value);
		}
	}

}
