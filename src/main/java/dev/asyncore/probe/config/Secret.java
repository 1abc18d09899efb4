package dev.asyncore.probe.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token or key read from a module file: blackbox_exporter's {@code config.Secret}. It
 * renders as {@code <secret>} everywhere ({@link #toString()}, so in any record, log line, debug
 * page or configuration dump that holds it); only {@link #reveal()} gives the value, for the one
 * place that sends it to a target. Immutable; any thread.
 *
 * <pre>{@code
 * Secret token = section.secret("bearer_token");   // the key is masked in the module's text too
 * headers.add(Map.entry("Authorization", "Bearer " + token.reveal()));
 * }</pre>
 */
public final class Secret {

	/** What a secret renders as, blackbox_exporter's text. */
	public static final String MASK = "<secret>";

	private final String value;

	private Secret(String value) {
		this.value = Objects.requireNonNull(value);
	}

	/** {@code value} as a secret. */
	public static Secret of(String value) {
		return new Secret(value);
	}

	/** The value itself: for the request that carries it, never for display. */
	public String reveal() {
		return this.value;
	}

	public boolean isEmpty() {
		return this.value.isEmpty();
	}

	/** Compares in time that does not depend on where the values differ. */
	@Override
	public boolean equals(Object other) {
		return (other instanceof Secret secret) && MessageDigest.isEqual(this.value.getBytes(StandardCharsets.UTF_8),
				secret.value.getBytes(StandardCharsets.UTF_8));
	}

	/** The same for every secret, so that a hash tells nothing of the value. */
	@Override
	public int hashCode() {
		return Secret.class.hashCode();
	}

	@Override
	public String toString() {
		return MASK;
	}

}
