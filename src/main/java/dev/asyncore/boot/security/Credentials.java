package dev.asyncore.boot.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.Scope;

/**
 * The credential check of the HTTP API, apart from any web framework: given the value of an
 * {@code Authorization} header, the caller it proves, or empty. {@code Bearer <token>} is compared
 * by SHA-256 against {@code asyncore.security.tokens} (constant time, every hash tried);
 * {@code Basic <base64 user:password>} against the bcrypt hashes of {@code asyncore.security.users}
 * (an unknown user costs a bcrypt check too, so timing does not tell names apart). Spring
 * Security's filter uses it, and so can a listener on the reactor that serves {@code /probe}.
 *
 * <p>Immutable; any thread. A basic check costs one bcrypt round (tens of milliseconds at cost 10),
 * so call it off the loop thread.
 */
public final class Credentials {

	/** The realm named in every {@code WWW-Authenticate} challenge. */
	public static final String REALM = "asyncore";

	private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder();

	/** Checked when the user name is unknown, so that the answer takes as long as for a known one. */
	private static final String DUMMY_HASH = BCRYPT.encode("not a password of anyone");

	private final List<Token> tokens;

	private final List<ApiSecurityProperties.UserProperties> users;

	public Credentials(ApiSecurityProperties properties) {
		this.tokens = properties.tokens()
			.stream()
			.map((t) -> new Token(t.name(), HexFormat.of().parseHex(t.hash().substring("sha256:".length())), t.scopes()))
			.toList();
		this.users = properties.users();
	}

	/** Whether no token and no user is configured: nothing can authenticate. */
	public boolean isEmpty() {
		return this.tokens.isEmpty() && this.users.isEmpty();
	}

	/**
	 * The caller that {@code authorization} proves.
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @return empty when it is absent, malformed, of another scheme, or wrong
	 */
	public Optional<Caller> authenticate(String authorization) {
		if (authorization == null) {
			return Optional.empty();
		}
		String value = authorization.strip();
		int space = value.indexOf(' ');
		if (space < 0) {
			return Optional.empty();
		}
		String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
		String credentials = value.substring(space + 1).strip();
		return switch (scheme) {
			case "bearer" -> bearer(credentials);
			case "basic" -> basic(credentials);
			default -> Optional.empty();
		};
	}

	/** The {@code WWW-Authenticate} challenges a {@code 401} carries: Bearer, and Basic if users are configured. */
	public List<String> challenges() {
		String bearer = "Bearer realm=\"" + REALM + "\"";
		return this.users.isEmpty() ? List.of(bearer)
				: List.of(bearer, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
	}

	private Optional<Caller> bearer(String token) {
		byte[] presented = sha256(token.getBytes(StandardCharsets.UTF_8));
		Token match = null;
		for (Token candidate : this.tokens) {
			if (MessageDigest.isEqual(candidate.sha256(), presented) && match == null) {
				match = candidate;
			}
		}
		return (match != null) ? Optional.of(new Caller(match.name(), match.scopes())) : Optional.empty();
	}

	private Optional<Caller> basic(String encoded) {
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			return Optional.empty();
		}
		String name = decoded.substring(0, colon);
		String password = decoded.substring(colon + 1);
		ApiSecurityProperties.UserProperties user = this.users.stream()
			.filter((u) -> u.name().equals(name))
			.findFirst()
			.orElse(null);
		if (user == null) {
			BCRYPT.matches(password, DUMMY_HASH);
			return Optional.empty();
		}
		return BCRYPT.matches(password, user.passwordHash()) ? Optional.of(new Caller(user.name(), user.scopes()))
				: Optional.empty();
	}

	/** {@code sha256:} and the hex SHA-256 of {@code token}: what {@code asyncore.security.tokens[*].hash} holds. */
	public static String hashToken(String token) {
		return "sha256:" + HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
	}

	/** A bcrypt hash of {@code password} (cost 10): what {@code asyncore.security.users[*].password-hash} holds. */
	public static String hashPassword(String password) {
		return BCRYPT.encode(password);
	}

	/** A new random token: 32 bytes from {@link SecureRandom}, base64url without padding (43 characters). */
	public static String newToken() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

	/**
	 * An authenticated caller.
	 *
	 * @param name the token's or user's name
	 * @param scopes what it may call
	 */
	public record Caller(String name, Set<Scope> scopes) {

		/** Whether it may call what {@code scope} covers. */
		public boolean may(Scope scope) {
			return this.scopes.contains(scope);
		}

	}

	private record Token(String name, byte[] sha256, Set<Scope> scopes) {
	}

}
