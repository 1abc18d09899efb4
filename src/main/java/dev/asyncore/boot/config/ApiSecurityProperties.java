package dev.asyncore.boot.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the HTTP API ({@code asyncore.security}): hashed bearer tokens and HTTP basic users
 * with bcrypt hashes (blackbox_exporter's {@code basic_auth_users}), which endpoints stay open, and
 * the per-client rate limit of {@code /fetch} and {@code /probe}. Immutable; checked while binding,
 * so a plaintext secret fails startup naming its property. An entry whose hash is blank (an unset
 * {@code ${...:}} placeholder of the container's configuration) is left out.
 *
 * @param allowAnonymous callers without credentials may use /fetch, /probe and the
 * diagnostic endpoints; without it they may only where HTTP is bound to loopback and no credential
 * is configured (the jar's default), and startup fails elsewhere
 * @param tokens bearer tokens (Authorization: Bearer TOKEN), stored as hashes
 * @param users HTTP basic users (Authorization: Basic ...), passwords stored as bcrypt hashes
 * @param open the Actuator endpoints anyone may read
 * @param rateLimit requests per client to /fetch and /probe
 */
@ConfigurationProperties("asyncore.security")
public record ApiSecurityProperties(@DefaultValue("false") boolean allowAnonymous,
		@DefaultValue List<TokenProperties> tokens, @DefaultValue List<UserProperties> users,
		@DefaultValue OpenProperties open, @DefaultValue RateLimitProperties rateLimit) {

	/** The prefix of every key of this group, dot included. */
	public static final String PREFIX = "asyncore.security.";

	/** {@code sha256:} and 64 lower- or upper-case hex digits. */
	public static final Pattern TOKEN_HASH = Pattern.compile("sha256:[0-9a-fA-F]{64}");

	/** A bcrypt hash as htpasswd -B, blackbox_exporter and Spring Security write it. */
	static final Pattern BCRYPT_HASH = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

	/** How to make a token hash, for the messages that ask for one. */
	public static final String HOW_TO_HASH_TOKEN = "create one with `java -jar app.jar hash-token` or "
			+ "`printf %s \"$TOKEN\" | sha256sum` (prefix the hex digits with sha256:)";

	public ApiSecurityProperties {
		List<TokenProperties> configuredTokens = new ArrayList<>();
		for (int i = 0; i < tokens.size(); i++) {
			TokenProperties token = tokens.get(i);
			String property = PREFIX + "tokens[" + i + "]";
			if (isBlank(token.hash())) {
				continue;
			}
			if (!TOKEN_HASH.matcher(token.hash()).matches()) {
				throw new InvalidConfigurationException(property + ".hash",
						"must be the token's SHA-256 written sha256:<64 hex digits>, never the token itself; "
								+ HOW_TO_HASH_TOKEN);
			}
			requireName(property, token.name());
			configuredTokens.add(token);
		}
		List<UserProperties> configuredUsers = new ArrayList<>();
		for (int i = 0; i < users.size(); i++) {
			UserProperties user = users.get(i);
			String property = PREFIX + "users[" + i + "]";
			if (isBlank(user.passwordHash())) {
				continue;
			}
			if (!BCRYPT_HASH.matcher(user.passwordHash()).matches()) {
				throw new InvalidConfigurationException(property + ".password-hash",
						"must be a bcrypt hash ($2y$10$... 60 characters), never the password itself; create one "
								+ "with `java -jar app.jar hash-password` or `htpasswd -nbBC 10 \"\" \"$PASSWORD\" | tr -d ':\\n'`");
			}
			requireName(property, user.name());
			configuredUsers.add(user);
		}
		tokens = List.copyOf(configuredTokens);
		users = List.copyOf(configuredUsers);
	}

	/** Whether any token or user is configured. */
	public boolean hasCredentials() {
		return !this.tokens.isEmpty() || !this.users.isEmpty();
	}

	private static void requireName(String property, String name) {
		if (isBlank(name)) {
			throw new InvalidConfigurationException(property + ".name",
					"must not be blank: it names the caller in logs and in the rate limit");
		}
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

	/**
	 * A bearer token.
	 *
	 * @param name who holds it: the principal name
	 * @param hash sha256: and the hex SHA-256 of the token's UTF-8 bytes
	 * @param scopes what it may call; empty for every scope
	 */
	public record TokenProperties(String name, String hash, @DefaultValue Set<Scope> scopes) {

		public TokenProperties {
			scopes = scopes.isEmpty() ? Scope.all() : Set.copyOf(scopes);
		}

		@Override
		public String toString() {
			return "TokenProperties[name=" + this.name + ", scopes=" + this.scopes + "]";
		}

	}

	/**
	 * An HTTP basic user.
	 *
	 * @param name the user name
	 * @param passwordHash the bcrypt hash of the password
	 * @param scopes what it may call; empty for every scope
	 */
	public record UserProperties(String name, String passwordHash, @DefaultValue Set<Scope> scopes) {

		public UserProperties {
			scopes = scopes.isEmpty() ? Scope.all() : Set.copyOf(scopes);
		}

		@Override
		public String toString() {
			return "UserProperties[name=" + this.name + ", scopes=" + this.scopes + "]";
		}

	}

	/**
	 * Actuator endpoints that need no credentials; {@code false} makes one need the
	 * {@code diagnostics} scope. Health details are shown only to authenticated callers whatever
	 * this says.
	 *
	 * @param health /actuator/health and its groups (the kubelet's probes)
	 * @param info /actuator/info (build name and version)
	 * @param prometheus /actuator/prometheus (the scraper)
	 */
	public record OpenProperties(@DefaultValue("true") boolean health, @DefaultValue("true") boolean info,
			@DefaultValue("true") boolean prometheus) {
	}

	/**
	 * A token bucket per client (per principal, or per remote address for anonymous callers) on
	 * {@code /fetch} and {@code /probe}; a request that finds the bucket empty gets {@code 429} with
	 * {@code Retry-After}.
	 *
	 * @param perMinute requests refilled per minute; 0 turns the limit off
	 * @param burst requests a client may make at once after a quiet spell (the bucket's size)
	 * @param maxClients buckets kept at most; the least recently used are dropped beyond it
	 */
	public record RateLimitProperties(@DefaultValue("120") int perMinute, @DefaultValue("30") int burst,
			@DefaultValue("10000") int maxClients) {

		public RateLimitProperties {
			if (perMinute < 0) {
				throw new InvalidConfigurationException(PREFIX + "rate-limit.per-minute",
						"must not be negative (0 turns the limit off), was " + perMinute);
			}
			if (burst < 1) {
				throw new InvalidConfigurationException(PREFIX + "rate-limit.burst", "must be at least 1, was " + burst);
			}
			if (maxClients < 1) {
				throw new InvalidConfigurationException(PREFIX + "rate-limit.max-clients",
						"must be at least 1, was " + maxClients);
			}
		}

	}

}
