package dev.asyncore.boot.security;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Back-off of failed basic logins, per client address: a check that needs a bcrypt round takes a
 * token from the client's bucket ({@link #BURST}, refilled at {@link #PER_MINUTE} a minute) and a
 * check that succeeds gives it back, so what runs out is a client's failures (and checks in
 * flight), not its logins. An empty bucket is answered at once, without bcrypt, with how long to
 * wait ({@code 429} and {@code Retry-After}). A flood of wrong passwords from one address thus costs
 * at most {@link #BURST} bcrypt rounds and then one every six seconds, and cannot queue ahead of
 * another client's login. Buckets live in a bounded Caffeine cache, dropped when unused for ten
 * minutes. Thread-safe.
 */
final class LoginBackoff {

	/** Basic checks a client may have failed (or in flight) before it must wait. */
	static final int BURST = 10;

	/** Failed checks per minute allowed after the burst. */
	static final int PER_MINUTE = 10;

	private final int burst;

	private final int perMinute;

	private final TimeMeter time;

	private final Cache<String, Bucket> buckets;

	/**
	 * @param maxClients buckets kept (least recently used dropped)
	 * @param ticker the clock of the buckets and of their expiry
	 */
	LoginBackoff(int burst, int perMinute, int maxClients, Ticker ticker) {
		this.burst = burst;
		this.perMinute = perMinute;
		this.time = new TimeMeter() {

			@Override
			public long currentTimeNanos() {
				return ticker.read();
			}

			@Override
			public boolean isWallClockBased() {
				return false;
			}

		};
		this.buckets = Caffeine.newBuilder()
			.maximumSize(maxClients)
			.expireAfterAccess(Duration.ofMinutes(10))
			.ticker(ticker)
			.build();
	}

	/**
	 * Takes a token for one bcrypt check of {@code client}.
	 * @return {@link Duration#ZERO} if taken, else how long until the next token
	 */
	Duration tryAcquire(String client) {
		ConsumptionProbe probe = this.buckets.get(client, (key) -> newBucket()).tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
	}

	/** Gives back the token of a check that succeeded (or never ran). */
	void release(String client) {
		Bucket bucket = this.buckets.getIfPresent(client);
		if (bucket != null) {
			bucket.addTokens(1);
		}
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(this.burst).refillGreedy(this.perMinute, Duration.ofMinutes(1)))
			.withCustomTimePrecision(this.time)
			.build();
	}

}
