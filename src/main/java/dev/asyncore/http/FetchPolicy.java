package dev.asyncore.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a {@link Fetcher} may fetch and how long and large a fetch may be: the guard against
 * server-side request forgery.
 *
 * <p>By default only {@code http} and {@code https} URLs whose host resolves to a public unicast
 * address are fetched. The check runs on every hop (redirects included) against the
 * {@link InetAddress} the client then connects to, so DNS cannot answer differently between check
 * and use. {@link #allowPrivateNetworks()} admits loopback, RFC 1918 / ULA and carrier-grade NAT
 * space; link-local (cloud metadata at 169.254.169.254), multicast, broadcast, unspecified and
 * reserved addresses are never fetched. {@link #allowedHosts()} (exact names or
 * {@code *.suffix}) and {@link #allowedPorts()} narrow further when non-empty.
 *
 * <p>Immutable; any thread. Does not protect against what the fetched content then does.
 *
 * @param allowPrivateNetworks whether loopback, private and shared (CGNAT) addresses may be fetched
 * @param allowedHosts if non-empty, the only hosts fetched: exact names, or {@code *.example.org}
 * for sub-domains
 * @param allowedPorts if non-empty, the only ports fetched
 * @param connectTimeout longest wait for a TCP connection
 * @param readTimeout longest time without any byte moving once connected
 * @param totalTimeout longest time for the whole fetch, redirects and DNS included
 * @param maxBodySize largest response body accepted, in bytes
 * @param maxHeaderBytes largest status line plus headers (and chunked trailers), in bytes
 * @param maxRedirects most redirects followed; 0 returns the redirect response itself
 * @param privateNetworksSetting the setting that admits private addresses, in its user's words
 * ({@code asyncore.fetch.allow-private-networks}, {@code --allow-private}): a refusal names it
 */
public record FetchPolicy(boolean allowPrivateNetworks, Set<String> allowedHosts, Set<Integer> allowedPorts,
		Duration connectTimeout, Duration readTimeout, Duration totalTimeout, long maxBodySize, int maxHeaderBytes,
		int maxRedirects, String privateNetworksSetting) {

	private static final Set<AddressClass> PRIVATE_CLASSES = EnumSet.of(AddressClass.LOOPBACK, AddressClass.PRIVATE,
			AddressClass.SHARED);

	public FetchPolicy {
		allowedHosts = allowedHosts.stream().map(FetchPolicy::normalizeHost).collect(Collectors.toUnmodifiableSet());
		allowedPorts = Set.copyOf(allowedPorts);
		requirePositive(connectTimeout, "connectTimeout");
		requirePositive(readTimeout, "readTimeout");
		requirePositive(totalTimeout, "totalTimeout");
		if (maxBodySize < 0 || maxHeaderBytes < 256 || maxRedirects < 0) {
			throw new IllegalArgumentException("maxBodySize >= 0, maxHeaderBytes >= 256 and maxRedirects >= 0 required");
		}
		Objects.requireNonNull(privateNetworksSetting, "privateNetworksSetting");
	}

	/** The defaults: public addresses only, any host and port, 5 s / 10 s / 30 s, 10 MiB, 64 KiB, 5. */
	public static FetchPolicy defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder starting from this policy's values. */
	public Builder toBuilder() {
		return new Builder().allowPrivateNetworks(this.allowPrivateNetworks)
			.allowedHosts(this.allowedHosts)
			.allowedPorts(this.allowedPorts)
			.connectTimeout(this.connectTimeout)
			.readTimeout(this.readTimeout)
			.totalTimeout(this.totalTimeout)
			.maxBodySize(this.maxBodySize)
			.maxHeaderBytes(this.maxHeaderBytes)
			.maxRedirects(this.maxRedirects)
			.privateNetworksSetting(this.privateNetworksSetting);
	}

	/**
	 * Parses user input into a URI for {@link Fetcher#fetch}. Unlike {@code new URI(text)}, which
	 * throws {@code NumberFormatException} for some IPv6 literals (found by fuzzing), every bad
	 * input becomes an {@link FetchException.InvalidUrl}. No policy decision is made here.
	 */
	public static URI parseUrl(String text) throws FetchException.InvalidUrl {
		try {
			return new URI(text.strip());
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new FetchException.InvalidUrl("'" + HttpSyntax.printable(text) + "' is not a valid URL: "
					+ ex.getMessage());
		}
	}

	/**
	 * Checks everything that can be checked before DNS: syntax, scheme, host spelling, host and port
	 * allow-lists, and the address class when the host is an IP literal.
	 * @throws FetchException.InvalidUrl or {@link FetchException.Refused} saying why
	 */
	public void checkUrl(URI uri) throws FetchException {
		target(uri);
	}

	/**
	 * Checks the address a host resolved to, right before connecting to exactly that address.
	 * @throws FetchException.Refused naming the address and its class
	 */
	public void checkAddress(String host, InetAddress address) throws FetchException.Refused {
		AddressClass kind = AddressClass.of(address);
		if (kind == AddressClass.PUBLIC || (this.allowPrivateNetworks && PRIVATE_CLASSES.contains(kind))) {
			return;
		}
		String hint = PRIVATE_CLASSES.contains(kind) ? " (set " + this.privateNetworksSetting + " to fetch it)" : "";
		throw new FetchException.Refused("Refusing to fetch " + host + ": it is " + address.getHostAddress() + ", a "
				+ kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " address" + hint);
	}

	Target target(URI uri) throws FetchException {
		Target target = Target.of(uri);
		String host = target.host().name();
		if (!this.allowedHosts.isEmpty() && !hostAllowed(host)) {
			throw new FetchException.Refused("Host " + host + " is not in the allowed hosts " + this.allowedHosts);
		}
		if (!this.allowedPorts.isEmpty() && !this.allowedPorts.contains(target.port())) {
			throw new FetchException.Refused("Port " + target.port() + " is not in the allowed ports " + this.allowedPorts);
		}
		if (target.host().isLiteral()) {
			checkAddress(host, target.host().literal());
		}
		return target;
	}

	private boolean hostAllowed(String host) {
		if (this.allowedHosts.contains(host)) {
			return true;
		}
		for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
			if (this.allowedHosts.contains("*" + host.substring(dot))) {
				return true;
			}
		}
		return false;
	}

	private static String normalizeHost(String host) {
		String h = host.trim().toLowerCase(Locale.ROOT);
		return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
	}

	private static void requirePositive(Duration duration, String name) {
		if (Objects.requireNonNull(duration, name).isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive: " + duration);
		}
	}

	/** Builds a {@link FetchPolicy}; starts from the defaults. Not thread-safe. */
	public static final class Builder {

		private boolean allowPrivateNetworks;

		private Set<String> allowedHosts = Set.of();

		private Set<Integer> allowedPorts = Set.of();

		private Duration connectTimeout = Duration.ofSeconds(5);

		private Duration readTimeout = Duration.ofSeconds(10);

		private Duration totalTimeout = Duration.ofSeconds(30);

		private long maxBodySize = 10L * 1024 * 1024;

		private int maxHeaderBytes = 64 * 1024;

		private int maxRedirects = 5;

		private String privateNetworksSetting = "allowPrivateNetworks(true) on the FetchPolicy";

		public Builder allowPrivateNetworks(boolean allow) {
			this.allowPrivateNetworks = allow;
			return this;
		}

		public Builder allowedHosts(Set<String> hosts) {
			this.allowedHosts = hosts;
			return this;
		}

		public Builder allowedPorts(Set<Integer> ports) {
			this.allowedPorts = ports;
			return this;
		}

		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = timeout;
			return this;
		}

		public Builder readTimeout(Duration timeout) {
			this.readTimeout = timeout;
			return this;
		}

		public Builder totalTimeout(Duration timeout) {
			this.totalTimeout = timeout;
			return this;
		}

		public Builder maxBodySize(long bytes) {
			this.maxBodySize = bytes;
			return this;
		}

		public Builder maxHeaderBytes(int bytes) {
			this.maxHeaderBytes = bytes;
			return this;
		}

		public Builder maxRedirects(int redirects) {
			this.maxRedirects = redirects;
			return this;
		}

		/** The setting a refusal of a private address names, as its user writes it. */
		public Builder privateNetworksSetting(String setting) {
			this.privateNetworksSetting = setting;
			return this;
		}

		public FetchPolicy build() {
			return new FetchPolicy(this.allowPrivateNetworks, this.allowedHosts, this.allowedPorts,
					this.connectTimeout, this.readTimeout, this.totalTimeout, this.maxBodySize, this.maxHeaderBytes,
					this.maxRedirects, this.privateNetworksSetting);
		}

	}

}
