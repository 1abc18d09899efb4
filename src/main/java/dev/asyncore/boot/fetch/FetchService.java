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

	private final long inlineCap;

	/**
	 * @param maxConcurrent fetches in flight at most
	 * @param inlineCap body bytes kept per fetch when the body is asked for; the rest is dropped
	 */
	public FetchService(Fetcher fetcher, FetchMetrics metrics, int maxConcurrent, long inlineCap) {
		this.fetcher = fetcher;
		this.metrics = metrics;
		this.maxConcurrent = maxConcurrent;
		this.inlineCap = inlineCap;
		this.permits = new Semaphore(maxConcurrent);
	}

	/**
	 * Fetches {@code url}; {@code keepBody} keeps the first {@code inlineCap} body bytes, otherwise
	 * only the body's size and SHA-256 are kept.
	 * @throws FetchLimitExceededException at once if no slot is free
	 */
	public CompletableFuture<Fetched> fetch(String url, boolean keepBody) {
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
	private CompletableFuture<Fetched> start(String url, boolean keepBody) {
		long start = System.nanoTime();
		InlineBody inline = keepBody ? new InlineBody(this.inlineCap) : null;
		CompletableFuture<FetchResult> fetched;
		try {
			URI uri = FetchPolicy.parseUrl(url);
			if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
				throw new FetchException.InvalidUrl("'" + url + "' is not an http or https URL");
			}
			FetchOptions options = FetchOptions.get().sink((inline != null) ? inline : BodySink.discard());
			fetched = this.fetcher.fetch(uri, options);
		}
		catch (FetchException.InvalidUrl | RuntimeException ex) {
			fetched = CompletableFuture.failedFuture(ex);
		}
		// release on whichever thread completes it (the loop): cheap and prompt; count off the loop
		return fetched.whenComplete((result, failure) -> this.permits.release())
			.whenCompleteAsync((result, failure) -> this.metrics.record(result, unwrap(failure),
					Duration.ofNanos(System.nanoTime() - start)))
			.thenApply((result) -> (inline != null) ? new Fetched(result, inline.bytes(), inline.truncated())
					: new Fetched(result, null, false));
	}

	/** The failure inside a {@link CompletionException}, as dependent stages see it; other failures as they are. */
	public static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * A completed fetch.
	 *
	 * @param result what the fetcher reported (its {@code body} is empty: bodies go to a sink)
	 * @param body the body bytes kept when asked for (at most the inline cap), else {@code null}
	 * @param truncated whether the body was longer than {@code body}
	 */
	public record Fetched(FetchResult result, byte[] body, boolean truncated) {
	}

	/**
	 * One URL of a batch: the requested text and either its result or why it failed.
	 *
	 * @param url the URL as requested
	 * @param fetched the result, or {@code null}
	 * @param failure the failure, or {@code null}
	 */
	public record Outcome(String url, Fetched fetched, Throwable failure) {
	}

}
