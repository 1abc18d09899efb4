package dev.asyncore.boot.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.OpenProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.RateLimitProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.TokenProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.UserProperties;
import dev.asyncore.boot.config.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/** The credential check without a web server: header in, caller or empty out. */
class CredentialsTest {

	private final Credentials credentials = new Credentials(new ApiSecurityProperties(false,
			List.of(new TokenProperties("ci", Credentials.hashToken("s3cret"), Set.of(Scope.PROBE)),
					new TokenProperties("blank", "", Set.of())),
			List.of(new UserProperties("alice", Caller.PASSWORD_HASH, Set.of())), new OpenProperties(true, true, true),
			new RateLimitProperties(120, 30, 100)));

	@Test
	void whenTheBearerTokenMatchesAHashThenItsNameAndScopesAreTheCaller() {
		assertThat(this.credentials.authenticate("Bearer s3cret")).hasValueSatisfying((caller) -> {
			assertThat(caller.name()).isEqualTo("ci");
			assertThat(caller.scopes()).containsExactly(Scope.PROBE);
			assertThat(caller.may(Scope.FETCH)).isFalse();
		});
		assertThat(this.credentials.authenticate("bearer   s3cret ")).isPresent();
	}

	@Test
	void whenTheUserAndPasswordMatchThenTheUserHasEveryScope() {
		assertThat(this.credentials.authenticate(basic("alice:" + Caller.PASSWORD)))
			.hasValueSatisfying((caller) -> assertThat(caller.scopes()).isEqualTo(Scope.all()));
	}

	@Test
	void whenTheCredentialIsWrongMalformedOrOfAnotherSchemeThenNoCallerIsProved() {
		for (String header : new String[] { null, "", "Bearer", "Bearer wrong", "Bearer S3CRET", "Token s3cret",
				basic("alice:wrong"), basic("bob:" + Caller.PASSWORD), basic("no-colon"), "Basic !!!not-base64",
				"Digest username=\"alice\"", Credentials.hashToken("s3cret") }) {
			assertThat(this.credentials.authenticate(header)).as(String.valueOf(header)).isEmpty();
		}
	}

	@Test
	void whenAnEntryHasABlankHashThenItIsLeftOut() {
		assertThat(new ApiSecurityProperties(false, List.of(new TokenProperties("unset", " ", Set.of())), List.of(),
				new OpenProperties(true, true, true), new RateLimitProperties(120, 30, 100)).hasCredentials()).isFalse();
	}

	@Test
	void whenUsersAreConfiguredThenA401OffersBasicBesideBearer() {
		assertThat(this.credentials.challenges()).containsExactly("Bearer realm=\"asyncore\"",
				"Basic realm=\"asyncore\", charset=\"UTF-8\"");
	}

	@Test
	void whenANewTokenIsMadeThenItIsRandomUrlSafeAndItsHashVerifies() {
		String token = Credentials.newToken();
		assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(Credentials.newToken());
		assertThat(Credentials.hashToken(token)).matches(ApiSecurityProperties.TOKEN_HASH.pattern());
		// the documented shell equivalent: printf %s "$TOKEN" | sha256sum
		assertThat(Credentials.hashToken("test-token-all"))
			.isEqualTo("sha256:b9aefc18e8c916ee614a2bc47f0044f38845e9b2704066c1227021ba29c429bd");
	}

	private static String basic(String userAndPassword) {
		return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
	}

}
