package dev.asyncore.probe.exporter;

import java.time.Duration;

/**
 * How long a request to the exporter may take to arrive, so that a peer that sends slowly (a
 * slowloris) cannot hold a connection open for ever. Immutable.
 *
 * @param head the request line and headers: from the accept for a connection's first request, from
 * their first byte for later ones (between requests the listener's idle timeout applies)
 * @param body the body, from the end of the head
 */
public record RequestDeadlines(Duration head, Duration body) {

	/** 10 s for a head, 30 s for a body. */
	public static final RequestDeadlines DEFAULTS = new RequestDeadlines(Duration.ofSeconds(10), Duration.ofSeconds(30));

	public RequestDeadlines {
		if (head.isNegative() || head.isZero() || body.isNegative() || body.isZero()) {
			throw new IllegalArgumentException("request deadlines must be positive: head " + head + ", body " + body);
		}
	}

}
