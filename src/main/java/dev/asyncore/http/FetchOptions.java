package dev.asyncore.http;

/**
 * How one fetch is made: the method, an optional policy replacing the {@link Fetcher}'s, and an
 * optional {@link BodySink} to stream the body to instead of memory. Immutable; any thread; a
 * sink serves a single fetch, so options holding one are used once.
 *
 * @param method GET or HEAD
 * @param policy the policy for this fetch, or {@code null} for the fetcher's
 * @param sink where the body goes, or {@code null} to keep it in memory (capped by
 * {@link FetchPolicy#maxBodySize()})
 * @param request what a prober adds (method, headers, body, TLS material, fresh connections)
 * @param cookies the jar that keeps cookies across this fetch's redirects, or {@code null} to send none
 * (a jar serves a single fetch, as a sink does)
 */
public record FetchOptions(Method method, FetchPolicy policy, BodySink sink, RequestOptions request, CookieJar cookies) {

	/** The methods supported: both safe and idempotent, so a stale keep-alive connection may be retried. */
	public enum Method {

		GET, HEAD

	}

	public FetchOptions {
		if (method == null) {
			throw new IllegalArgumentException("method is required");
		}
		if (request == null) {
			request = RequestOptions.NONE;
		}
	}

	public FetchOptions(Method method, FetchPolicy policy, BodySink sink) {
		this(method, policy, sink, RequestOptions.NONE, null);
	}

	/** GET, the fetcher's policy, body in memory. */
	public static FetchOptions get() {
		return new FetchOptions(Method.GET, null, null);
	}

	/** HEAD, the fetcher's policy. */
	public static FetchOptions head() {
		return new FetchOptions(Method.HEAD, null, null);
	}

	public FetchOptions policy(FetchPolicy policy) {
		return new FetchOptions(this.method, policy, this.sink, this.request, this.cookies);
	}

	public FetchOptions sink(BodySink sink) {
		return new FetchOptions(this.method, this.policy, sink, this.request, this.cookies);
	}

	public FetchOptions request(RequestOptions request) {
		return new FetchOptions(this.method, this.policy, this.sink, request, this.cookies);
	}

	/** These options with {@code cookies} kept across the fetch's redirects. */
	public FetchOptions cookies(CookieJar cookies) {
		return new FetchOptions(this.method, this.policy, this.sink, this.request, cookies);
	}

}
