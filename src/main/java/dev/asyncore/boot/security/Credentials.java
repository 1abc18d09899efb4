package dev.asyncore.boot.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

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
 * <p>A basic credential that passed is remembered for {@link #VERIFIED_FOR} (at most
 * {@link #MAX_VERIFIED} of them), keyed by the SHA-256 of the header value with a random salt of this
 * instance, never by the value itself; checks of one credential at the same time share one bcrypt
 * round. So bcrypt runs once per credential per minute, and a client that uses the right password
 * is answered without it. Checks that need bcrypt are backed off per client address
 * ({@link LoginBackoff}): wrong passwords from one address are answered {@link Verdict.Throttled}
 * after a few (and beyond two at once), without bcrypt, and cannot starve another client's login.
 *
 * <p>Thread-safe; any thread. A basic check that is not remembered costs one bcrypt round (tens of
 * milliseconds at cost 10): {@link #check} runs it on the executor it is given.
 */
public final class Credentials {

	/** The realm named in every {@code WWW-Authenticate} challenge. */
	public static final String REALM = "asyncore";

	/** How long a verified basic credential is remembered. */
	static final Duration VERIFIED_FOR = Duration.ofSeconds(60);

	/** Verified basic credentials remembered at most (least recently used dropped). */
	static final int MAX_VERIFIED = 10_000;

	private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder();

	/** Checked when the user name is unknown, so that the answer takes as long as for a known one. */
	private static final String DUMMY_HASH = BCRYPT.encode("not a password of anyone");

	private static final CompletableFuture<Verdict> REFUSED = CompletableFuture.completedFuture(new Verdict.Refused());

	/** The digest that each hash clones. */
	private static final MessageDigest SHA256 = sha256Instance();

	private final List<Token> tokens;

	private final List<ApiSecurityProperties.UserProperties> users;

	private final PasswordEncoder encoder;

	private final byte[] salt = new byte[32];

	/** Basic credentials verified (or being verified) by salted hash; a check that fails leaves no entry. */
	private final AsyncCache<String, Caller> verified;

	private final LoginBackoff backoff;

	public Credentials(ApiSecurityProperties properties) {
		this(properties, BCRYPT, Ticker.systemTicker());
	}

	/** With the encoder of {@code password-hash} and the clock of the cache and back-off given (tests). */
	Credentials(ApiSecurityProperties properties, PasswordEncoder encoder, Ticker ticker) {
		this.tokens = properties.tokens()
			.stream()
			.map((t) -> new Token(t.name(), HexFormat.of().parseHex(t.hash().substring("sha256:".length())), t.scopes()))
			.toList();
		this.users = properties.users();
		this.encoder = encoder;
		new SecureRandom().nextBytes(this.salt);
		this.verified = Caffeine.newBuilder()
			.expireAfterWrite(VERIFIED_FOR)
			.maximumSize(MAX_VERIFIED)
			.ticker(ticker)
			.buildAsync();
		this.backoff = new LoginBackoff(LoginBackoff.BURST, LoginBackoff.PER_MINUTE, LoginBackoff.IN_FLIGHT,
				properties.rateLimit().maxClients(), ticker);
	}

	/** Whether no token and no user is configured: nothing can authenticate. */
	public boolean isEmpty() {
		return this.tokens.isEmpty() && this.users.isEmpty();
	}

	/**
	 * The caller that {@code authorization} proves, without back-off; blocks for bcrypt on this thread.
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @return empty when it is absent, malformed, of another scheme, or wrong
	 */
	public Optional<Caller> authenticate(String authorization) {
		return (check(authorization, null, Runnable::run).join() instanceof Verdict.Allowed allowed)
				? Optional.of(allowed.caller()) : Optional.empty();
	}

	/**
	 * What {@code authorization}, sent from {@code client}, proves. Completes at once for a bearer
	 * token, a basic credential verified within {@link #VERIFIED_FOR}, a client that must wait, and
	 * anything malformed; otherwise when the bcrypt round that {@code hashing} runs (or the same
	 * credential's round already running) ends.
	 * @param authorization the {@code Authorization} header's value, or {@code null}
	 * @param client the client's address, whose failed basic checks are backed off; {@code null} for none
	 * @param hashing where bcrypt runs ({@code Runnable::run}: on this thread)
	 * @throws RejectedExecutionException if {@code hashing} refuses the round (nothing is counted)
	 */
	public CompletableFuture<Verdict> check(String authorization, String client, Executor hashing) {
		if (authorization == null) {
			return REFUSED;
		}
		String value = authorization.strip();
		int space = value.indexOf(' ');
		if (space < 0) {
			return REFUSED;
		}
		String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
		String credentials = value.substring(space + 1).strip();
		return switch (scheme) {
			case "bearer" -> CompletableFuture.completedFuture(verdict(bearer(credentials).orElse(null)));
			case "basic" -> basic(credentials, client, hashing);
			default -> REFUSED;
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

	private CompletableFuture<Verdict> basic(String encoded, String client, Executor hashing) {
		String key = key(encoded);
		CompletableFuture<Caller> known = this.verified.getIfPresent(key);
		if (known != null) {
			return known.thenApply(Credentials::verdict);
		}
		Duration wait = (client != null) ? this.backoff.tryAcquire(client) : Duration.ZERO;
		if (!wait.isZero()) {
			return CompletableFuture.completedFuture(new Verdict.Throttled(wait));
		}
		CompletableFuture<Caller> mine = new CompletableFuture<>();
		CompletableFuture<Caller> running = this.verified.asMap().putIfAbsent(key, mine);
		if (running != null) {
			release(client, true); // the same credential is being checked: wait for that round
			return running.thenApply(Credentials::verdict);
		}
		try {
			hashing.execute(() -> {
				Caller caller;
				try {
					caller = verifyBasic(encoded).orElse(null);
				}
				catch (RuntimeException ex) {
					release(client, true);
					mine.completeExceptionally(ex);
					return;
				}
				release(client, caller != null); // before completing, so that whoever waits sees it
				mine.complete(caller); // null (wrong): Caffeine drops the entry
			});
		}
		catch (RejectedExecutionException ex) {
			release(client, true);
			mine.completeExceptionally(ex);
			throw ex;
		}
		return mine.thenApply(Credentials::verdict);
	}

	private void release(String client, boolean refund) {
		if (client != null) {
			this.backoff.release(client, refund);
		}
	}

	/** The cache key of a basic credential: SHA-256 of this instance's salt and the credential, hex. */
	private String key(String encoded) {
		return HexFormat.of().formatHex(sha256(this.salt, encoded.getBytes(StandardCharsets.UTF_8)));
	}

	private static Verdict verdict(Caller caller) {
		return (caller != null) ? new Verdict.Allowed(caller) : new Verdict.Refused();
	}

	private Optional<Caller> verifyBasic(String encoded) {
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
			this.encoder.matches(password, DUMMY_HASH);
			return Optional.empty();
		}
		return this.encoder.matches(password, user.passwordHash()) ? Optional.of(new Caller(user.name(), user.scopes()))
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

	/** The SHA-256 of {@code parts}, one after the other. */
	private static byte[] sha256(byte[]... parts) {
		MessageDigest digest = newSha256();
		for (byte[] part : parts) {
			digest.update(part);
		}
		return digest.digest();
	}

	/** A digest cloned from one made once: a provider look-up per request costs more than the hash. */
	private static MessageDigest newSha256() {
		try {
			return (MessageDigest) SHA256.clone();
		}
		catch (CloneNotSupportedException ex) {
			return sha256Instance(); // a provider whose digest does not clone: look it up each time
		}
	}

	private static MessageDigest sha256Instance() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

	/** What a credential check decided. */
	public sealed interface Verdict {

		/** The credential proves {@code caller}. */
		record Allowed(Caller caller) implements Verdict {
		}

		/** Absent, malformed, of another scheme, or wrong: {@code 401}. */
		record Refused() implements Verdict {
		}

		/** Too many failed (or concurrent) basic checks from this client: {@code 429}, {@code Retry-After: retryAfter}. */
		record Throttled(Duration retryAfter) implements Verdict {

			/** {@link #retryAfter()} in whole seconds, rounded up, at least 1: the {@code Retry-After} value. */
			public long seconds() {
				return ApiProblems.retryAfterSeconds(this.retryAfter);
			}

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
