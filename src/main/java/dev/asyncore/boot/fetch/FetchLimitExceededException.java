package dev.asyncore.boot.fetch;

/**
 * More fetches were asked for than {@code asyncore.fetch.max-concurrent} leaves room for; the API
 * answers {@code 503} with {@code Retry-After}. Nothing was fetched.
 */
public class FetchLimitExceededException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public FetchLimitExceededException(int asked, int limit) {
		super("Too many fetches in flight: " + asked + " more would exceed asyncore.fetch.max-concurrent=" + limit
				+ "; retry shortly");
	}

}
