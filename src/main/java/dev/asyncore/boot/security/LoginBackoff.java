package dev.asyncore.boot.security;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Back-off of failed basic logins, per client address. A check that needs a bcrypt round takes a
 * token from the client's bucket ({@link #BURST}, refilled at {@link #PER_MINUTE} a minute), and a
 * check that succeeds gives it back, so what runs out is a client's failures, not its logins; and a
 * client has at most {@link #IN_FLIGHT} rounds running or queued at once. Beyond either it is
 * answered at once, without bcrypt, with how long to wait ({@code 429} and {@code Retry-After}: until
 * the next token, or one second). A flood of wrong passwords from one address thus costs at most
 * {@link #BURST} bcrypt rounds and then one every six seconds, never holds more than
 * {@link #IN_FLIGHT} of the rounds' threads, and so cannot queue ahead of another client's login.
 * Clients live in a bounded Caffeine cache, dropped when unused for ten minutes. Thread-safe.
 */
final class LoginBackoff {

	/** Basic checks a client may have failed before it must wait. */
	static final int BURST = 10;

	/** Failed checks per minute allowed after the burst. */
	static final int PER_MINUTE = 10;

	/** bcrypt rounds of one client running or queued at once. */
	static final int IN_FLIGHT = 2;

	/** The wait of a client that has {@link #IN_FLIGHT} rounds under way. */
	static final Duration BUSY = Duration.ofSeconds(1);

	private final int burst;

	private final int perMinute;

	private final int inFlight;

	private final TimeMeter time;

	private final Cache<String, Client> clients;

	/**
	 * @param maxClients clients kept (least recently used dropped)
	 * @param ticker the clock of the buckets and of their expiry
	 */
	LoginBackoff(int burst, int perMinute, int inFlight, int maxClients, Ticker ticker) {
		this.burst = burst;
		this.perMinute = perMinute;
		this.inFlight = inFlight;
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
		this.clients = Caffeine.newBuilder()
			.maximumSize(maxClients)
			.expireAfterAccess(Duration.ofMinutes(10))
			.ticker(ticker)
			.build();
	}

	/**
	 * Takes a token and a place in flight for one bcrypt check of {@code client}; each that returns
	 * {@link Duration#ZERO} must be followed by one {@link #release}.
	 * @return {@link Duration#ZERO} if taken, else how long to wait
	 */
	Duration tryAcquire(String client) {
		Client state = this.clients.get(client, (key) -> new Client(newBucket()));
		if (state.inFlight.incrementAndGet() > this.inFlight) {
			state.inFlight.decrementAndGet();
			return BUSY;
		}
		ConsumptionProbe probe = state.bucket.tryConsumeAndReturnRemaining(1);
		if (!probe.isConsumed()) {
			state.inFlight.decrementAndGet();
			return Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
		}
		return Duration.ZERO;
	}

	/**
	 * Ends a check that {@link #tryAcquire} let through.
	 * @param refund whether its token is given back: it passed, or never ran
	 */
	void release(String client, boolean refund) {
		Client state = this.clients.getIfPresent(client);
		if (state == null) {
			return; // dropped meanwhile: a new one starts with a full bucket anyway
		}
		state.inFlight.updateAndGet((n) -> Math.max(0, n - 1));
		if (refund) {
			state.bucket.addTokens(1);
		}
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(this.burst).refillGreedy(this.perMinute, Duration.ofMinutes(1)))
			.withCustomTimePrecision(this.time)
			.build();
	}

	/** One client's failures and rounds under way. */
	private record Client(Bucket bucket, AtomicInteger inFlight) {

		Client(Bucket bucket) {
			this(bucket, new AtomicInteger());
		}

	}

}
