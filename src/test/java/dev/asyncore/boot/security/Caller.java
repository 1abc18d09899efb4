package dev.asyncore.boot.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The callers of the security tests and the credentials they send; the contexts configure the
 * hashes of these secrets ({@link #tokenHash}, {@link #PASSWORD_HASH}).
 */
enum Caller {

	/** No {@code Authorization} header. */
	NONE(null),

	/** A bearer token no one configured. */
	WRONG_TOKEN("Bearer not-a-configured-token"),

	/** A configured bearer token with every scope. */
	TOKEN("Bearer " + Caller.TOKEN_VALUE),

	/** A configured HTTP basic user with every scope. */
	BASIC("Basic " + Base64.getEncoder().encodeToString((Caller.USER + ":" + Caller.PASSWORD).getBytes(StandardCharsets.UTF_8))),

	/** A configured bearer token with the {@code probe} scope only. */
	PROBE_ONLY("Bearer " + Caller.PROBE_ONLY_VALUE),

	/** A second token with every scope, as during a rotation. */
	NEXT_TOKEN("Bearer " + Caller.NEXT_TOKEN_VALUE);

	static final String TOKEN_VALUE = "test-token-all";

	static final String PROBE_ONLY_VALUE = "test-token-probe-only";

	static final String NEXT_TOKEN_VALUE = "test-token-next";

	static final String USER = "tester";

	static final String PASSWORD = "test-password";

	/** bcrypt of {@link #PASSWORD}, made once by {@code java -jar app.jar hash-password}. */
	static final String PASSWORD_HASH = "$2a$10$FzVbIWordipMPtz2doDbkugr8JAa9/Nw4V9S0ud71WfbFOg6eIT22";

	final String authorization;

	Caller(String authorization) {
		this.authorization = authorization;
	}

	static String tokenHash(String token) {
		return Credentials.hashToken(token);
	}

}
