package dev.asyncore.boot.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.OpenProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.RateLimitProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.TokenProperties;
import dev.asyncore.boot.config.ApiSecurityProperties.UserProperties;
import dev.asyncore.boot.config.Scope;
import dev.asyncore.boot.security.Credentials.Verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The credential check without a web server: header in, caller or empty out; verified basic
 * credentials remembered for a minute, and failed basic checks backed off per client address,
 * counted by the bcrypt rounds a counting encoder sees (the clock stands still unless a test moves it).
 */
@Timeout(60)
class CredentialsTest {

	private static final ApiSecurityProperties PROPERTIES = new ApiSecurityProperties(false,
			List.of(new TokenProperties("ci", Credentials.hashToken("s3cret"), Set.of(Scope.PROBE)),
					new TokenProperties("blank", "", Set.of())),
			List.of(new UserProperties("alice", Caller.PASSWORD_HASH, Set.of())), new OpenProperties(true, true, true),
			new RateLimitProperties(120, 30, 100));

	private final Credentials credentials = new Credentials(PROPERTIES);

	private final CountingEncoder encoder = new CountingEncoder();

	private final AtomicLong nanos = new AtomicLong();

	private final Credentials counted = new Credentials(PROPERTIES, this.encoder, this.nanos::get);

	private final ExecutorService hashing = Executors.newFixedThreadPool(2);

	@AfterEach
	void stop() {
		this.encoder.gate.complete(null);
		this.hashing.shutdownNow();
	}

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

	@Test
	void whenABasicCredentialPassedThenBcryptRunsOnceAMinuteForItAndEveryTimeForAWrongOne() {
		String right = basic("alice:" + Caller.PASSWORD);
		for (int i = 0; i < 3; i++) {
			assertThat(this.counted.authenticate(right)).isPresent();
		}
		assertThat(this.encoder.matches).hasValue(1);
		this.nanos.addAndGet(Credentials.VERIFIED_FOR.plusSeconds(1).toNanos());
		assertThat(this.counted.authenticate(right)).isPresent();
		assertThat(this.encoder.matches).hasValue(2);

		assertThat(this.counted.authenticate(basic("alice:wrong"))).isEmpty();
		assertThat(this.counted.authenticate(basic("alice:wrong"))).isEmpty();
		assertThat(this.encoder.matches).as("a failure is not remembered").hasValue(4);
	}

	@Test
	void whenOneAddressFloodsWrongPasswordsThenBcryptRunsAtMostTheBurstTwoAtATimeAndAnotherAddressLogsIn()
			throws Exception {
		int threads = 16;
		int perThread = 25;
		ExecutorService wide = Executors.newFixedThreadPool(8); // room for more rounds at once than a client may have
		ExecutorService attackers = Executors.newFixedThreadPool(threads);
		try {
			CompletableFuture<Void> go = new CompletableFuture<>();
			List<CompletableFuture<List<CompletableFuture<Verdict>>>> flood = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				flood.add(CompletableFuture.supplyAsync(() -> {
					go.join();
					List<CompletableFuture<Verdict>> verdicts = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						verdicts.add(this.counted.check(basic("alice:wrong-" + thread + "-" + i), "198.51.100.7", wide));
					}
					return verdicts;
				}, attackers));
			}
			go.complete(null);
			Verdict right = this.counted.check(basic("alice:" + Caller.PASSWORD), "198.51.100.8", wide)
				.get(30, TimeUnit.SECONDS);
			assertThat(right).isInstanceOf(Verdict.Allowed.class);

			List<Verdict> verdicts = new ArrayList<>();
			for (CompletableFuture<List<CompletableFuture<Verdict>>> batch : flood) {
				for (CompletableFuture<Verdict> verdict : batch.get(30, TimeUnit.SECONDS)) {
					verdicts.add(verdict.get(30, TimeUnit.SECONDS));
				}
			}
			assertThat(verdicts).hasSize(threads * perThread);
			long refused = verdicts.stream().filter(Verdict.Refused.class::isInstance).count();
			assertThat(refused).isBetween(1L, (long) LoginBackoff.BURST);
			assertThat(verdicts.stream().filter(Verdict.Throttled.class::isInstance)).hasSize(threads * perThread - (int) refused);
			assertThat(this.encoder.matches).as("bcrypt rounds: the flood's failures and the right login")
				.hasValue((int) refused + 1);
			assertThat(this.encoder.mostWrongAtOnce).as("the flood's rounds at once").hasValueLessThanOrEqualTo(LoginBackoff.IN_FLIGHT);
		}
		finally {
			attackers.shutdownNow();
			wide.shutdownNow();
		}
	}

	@Test
	void whenAnAddressHasTwoRoundsUnderWayThenAThirdWaitsASecondWithoutBcrypt() throws Exception {
		this.encoder.gate = new CompletableFuture<>();
		List<CompletableFuture<Verdict>> running = List.of(this.counted.check(basic("alice:wrong-1"), "192.0.2.5", this.hashing),
				this.counted.check(basic("alice:wrong-2"), "192.0.2.5", this.hashing));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.encoder.matches.get() == LoginBackoff.IN_FLIGHT);
		CompletableFuture<Verdict> third = this.counted.check(basic("alice:wrong-3"), "192.0.2.5", this.hashing);
		assertThat(third).isCompletedWithValue(new Verdict.Throttled(LoginBackoff.BUSY));
		assertThat(third.join()).isInstanceOfSatisfying(Verdict.Throttled.class, (t) -> assertThat(t.seconds()).isEqualTo(1));
		this.encoder.gate.complete(null);
		for (CompletableFuture<Verdict> verdict : running) {
			assertThat(verdict.get(30, TimeUnit.SECONDS)).isInstanceOf(Verdict.Refused.class);
		}
		assertThat(this.counted.check(basic("alice:wrong-3"), "192.0.2.5", Runnable::run).join())
			.isInstanceOf(Verdict.Refused.class);
		assertThat(this.encoder.matches).hasValue(3);
	}

	@Test
	void whenAnAddressFailedTooOftenThenItWaitsWithoutBcryptButACredentialVerifiedBeforeStillPasses() {
		String client = "192.0.2.1";
		String right = basic("alice:" + Caller.PASSWORD);
		assertThat(this.counted.check(right, client, Runnable::run).join()).isInstanceOf(Verdict.Allowed.class);
		for (int i = 0; i < LoginBackoff.BURST; i++) {
			assertThat(this.counted.check(basic("alice:wrong-" + i), client, Runnable::run).join())
				.isInstanceOf(Verdict.Refused.class);
		}
		int rounds = this.encoder.matches.get();

		Verdict throttled = this.counted.check(basic("alice:wrong-again"), client, Runnable::run).join();
		assertThat(throttled).isInstanceOfSatisfying(Verdict.Throttled.class, (t) -> {
			assertThat(t.retryAfter()).isEqualTo(Duration.ofSeconds(60 / LoginBackoff.PER_MINUTE));
			assertThat(t.seconds()).isEqualTo(60 / LoginBackoff.PER_MINUTE);
		});
		assertThat(this.counted.check(right, client, Runnable::run).join()).isInstanceOf(Verdict.Allowed.class);
		assertThat(this.counted.check(right, "192.0.2.2", Runnable::run).join()).isInstanceOf(Verdict.Allowed.class);
		assertThat(this.counted.check("Bearer s3cret", client, Runnable::run).join()).isInstanceOf(Verdict.Allowed.class);
		assertThat(this.encoder.matches).as("no bcrypt round while it waits").hasValue(rounds);

		this.nanos.addAndGet(Duration.ofSeconds(60 / LoginBackoff.PER_MINUTE).toNanos());
		assertThat(this.counted.check(basic("alice:wrong-later"), client, Runnable::run).join())
			.isInstanceOf(Verdict.Refused.class);
		assertThat(this.counted.check(basic("alice:wrong-later"), client, Runnable::run).join())
			.isInstanceOf(Verdict.Throttled.class);
	}

	@Test
	void whenManyChecksOfOneCredentialArriveTogetherThenTheyShareOneBcryptRound() throws Exception {
		this.encoder.gate = new CompletableFuture<>();
		String right = basic("alice:" + Caller.PASSWORD);
		List<CompletableFuture<Verdict>> verdicts = new ArrayList<>();
		for (int i = 0; i < 3 * LoginBackoff.BURST; i++) {
			verdicts.add(this.counted.check(right, "192.0.2.9", this.hashing));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.encoder.matches.get() == 1);
		assertThat(verdicts).noneMatch(CompletableFuture::isDone);
		this.encoder.gate.complete(null);
		for (CompletableFuture<Verdict> verdict : verdicts) {
			assertThat(verdict.get(30, TimeUnit.SECONDS)).isInstanceOf(Verdict.Allowed.class);
		}
		assertThat(this.encoder.matches).hasValue(1);
	}

	/** bcrypt, counting its checks (and the most wrong ones at once); a check waits for {@link #gate} first. */
	private static final class CountingEncoder implements PasswordEncoder {

		final AtomicInteger matches = new AtomicInteger();

		private final AtomicInteger wrongNow = new AtomicInteger();

		/** The most checks of a password starting {@code wrong} that ran at once. */
		final AtomicInteger mostWrongAtOnce = new AtomicInteger();

		volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

		private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();

		@Override
		public String encode(CharSequence raw) {
			return this.bcrypt.encode(raw);
		}

		@Override
		public boolean matches(CharSequence raw, String hash) {
			this.matches.incrementAndGet();
			boolean wrong = raw.toString().startsWith("wrong");
			if (wrong) {
				this.mostWrongAtOnce.accumulateAndGet(this.wrongNow.incrementAndGet(), Math::max);
			}
			try {
				this.gate.join();
				return this.bcrypt.matches(raw, hash);
			}
			finally {
				if (wrong) {
					this.wrongNow.decrementAndGet();
				}
			}
		}

	}

	private static String basic(String userAndPassword) {
		return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
	}

}
