package dev.asyncore.boot.fetch;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

import dev.asyncore.http.BodySink;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchOptions;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.FetchResult;
import dev.asyncore.http.Fetcher;

/**
 * The fetch service behind {@code /fetch}: parses user input, bounds how many fetches are in flight
 * ({@code asyncore.fetch.max-concurrent}), hands them to the {@link Fetcher} on the reactor and
 * counts each completed fetch in {@link FetchMetrics}.
 *
 * <p>Any thread. The returned futures complete on the common fork-join pool, not on the loop thread,
 * so dependent stages (rendering JSON, base64) never run on the loop. A future fails with a
 * {@link FetchException}, or a {@code RejectedExecutionException} if the reactor is not running.
 */
public class FetchService {

	private final Fetcher fetcher;

	private final FetchMetrics metrics;

	private final Semaphore permits;

	private final int maxConcurrent;

	public FetchService(Fetcher fetcher, FetchMetrics metrics, int maxConcurrent) {
		this.fetcher = fetcher;
		this.metrics = metrics;
		this.maxConcurrent = maxConcurrent;
		this.permits = new Semaphore(maxConcurrent);
	}

	/**
	 * Fetches {@code url}; {@code keepBody} keeps the body in memory (capped by the policy's
	 * {@code maxBodySize}), otherwise only its size and SHA-256 are kept.
	 * @throws FetchLimitExceededException at once if no slot is free
	 */
	public CompletableFuture<FetchResult> fetch(String url, boolean keepBody) {
		if (!this.permits.tryAcquire()) {
			throw new FetchLimitExceededException(1, this.maxConcurrent);
		}
		return start(url, keepBody);
	}

	/**
	 * Fetches every URL concurrently; the future completes when all have, with one outcome per URL
	 * in input order. Takes all slots at once or none.
	 * @throws FetchLimitExceededException at once if not enough slots are free
	 */
	public CompletableFuture<List<Outcome>> fetchAll(List<String> urls, boolean keepBody) {
		if (urls.size() > this.maxConcurrent) {
			throw new IllegalArgumentException("At most " + this.maxConcurrent
					+ " URLs per request (asyncore.fetch.max-concurrent), got " + urls.size());
		}
		if (!this.permits.tryAcquire(urls.size())) {
			throw new FetchLimitExceededException(urls.size(), this.maxConcurrent);
		}
		List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(urls.size());
		for (String url : urls) {
			outcomes.add(start(url, keepBody).handle((result, failure) -> new Outcome(url, result, unwrap(failure))));
		}
		return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
			.thenApply((done) -> outcomes.stream().map(CompletableFuture::join).toList());
	}

	/** Fetches in flight now. */
	public int inFlight() {
		return this.maxConcurrent - this.permits.availablePermits();
	}

	/** Starts one fetch holding one permit, which is released when it completes. */
	private CompletableFuture<FetchResult> start(String url, boolean keepBody) {
		long start = System.nanoTime();
		CompletableFuture<FetchResult> fetched;
		try {
			URI uri = FetchPolicy.parseUrl(url);
			if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
				throw new FetchException.InvalidUrl("'" + url + "' is not an http or https URL");
			}
			FetchOptions options = keepBody ? FetchOptions.get() : FetchOptions.get().sink(BodySink.discard());
			fetched = this.fetcher.fetch(uri, options);
		}
		catch (FetchException.InvalidUrl | RuntimeException ex) {
			fetched = CompletableFuture.failedFuture(ex);
		}
		// release on whichever thread completes it (the loop): cheap and prompt; count off the loop
		return fetched.whenComplete((result, failure) -> this.permits.release())
			.whenCompleteAsync((result, failure) -> this.metrics.record(result, unwrap(failure),
					Duration.ofNanos(System.nanoTime() - start)));
	}

	static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * One URL of a batch: the requested text and either its result or why it failed.
	 *
	 * @param url the URL as requested
	 * @param result the result, or {@code null}
	 * @param failure the failure, or {@code null}
	 */
	public record Outcome(String url, FetchResult result, Throwable failure) {
	}

}
