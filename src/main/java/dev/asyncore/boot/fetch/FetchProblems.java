package dev.asyncore.boot.fetch;

import org.springframework.http.ProblemDetail;

import dev.asyncore.http.FetchException;

/**
 * How a failed fetch reads as an RFC 9457 problem: 400 the URL cannot be fetched as written, 403
 * the fetch policy refuses it, 413 the body is over {@code max-body-size}, 502 the upstream failed
 * (DNS, connect, TLS, protocol, redirects), 504 a time limit ran out, 503 the reactor is not
 * running, 500 anything else (a bug), as {@link FetchOutcome} maps them. The {@code type} is
 * {@code urn:asyncore:fetch:<outcome>}, the outcome being the {@code outcome} tag of
 * {@code asyncore.fetch.requests}. Stateless; any thread.
 */
public final class FetchProblems {

	private FetchProblems() {
	}

	/** The problem detail for {@code failure} of a fetch of {@code url}. */
	public static ProblemDetail of(Throwable failure, String url) {
		FetchOutcome outcome = FetchOutcome.of(failure);
		String detail = (outcome == FetchOutcome.UNAVAILABLE)
				? "The reactor is not running; the service is starting or stopping" : String.valueOf(failure.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(outcome.status(), detail);
		problem.setType(outcome.type());
		problem.setTitle(outcome.title());
		problem.setProperty("url", url);
		if (failure instanceof FetchException.Timeout timeout) {
			problem.setProperty("phase", timeout.phase());
		}
		return problem;
	}

}
