package dev.asyncore.boot.fetch;

import java.net.URI;
import java.util.concurrent.RejectedExecutionException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import dev.asyncore.http.FetchException;

/**
 * How a failed fetch reads as an RFC 9457 problem: 400 the URL cannot be fetched as written, 403
 * the fetch policy refuses it, 413 the body is over {@code max-body-size}, 502 the upstream failed
 * (DNS, connect, TLS, protocol, redirects), 504 a time limit ran out, 503 the reactor is not
 * running, 500 anything else (a bug). The {@code type} is {@code urn:asyncore:fetch:<outcome>}, the outcome being the
 * {@code outcome} tag of {@code asyncore.fetch.requests}. Stateless; any thread.
 */
public final class FetchProblems {

	private FetchProblems() {
	}

	/** The HTTP status that answers {@code failure}. */
	public static HttpStatus status(Throwable failure) {
		if (failure instanceof FetchException.InvalidUrl) {
			return HttpStatus.BAD_REQUEST;
		}
		if (failure instanceof FetchException.Refused) {
			return HttpStatus.FORBIDDEN;
		}
		if (failure instanceof FetchException.TooLarge) {
			return HttpStatus.PAYLOAD_TOO_LARGE;
		}
		if (failure instanceof FetchException.Timeout) {
			return HttpStatus.GATEWAY_TIMEOUT;
		}
		if (failure instanceof FetchException) {
			return HttpStatus.BAD_GATEWAY;
		}
		return (failure instanceof RejectedExecutionException) ? HttpStatus.SERVICE_UNAVAILABLE
				: HttpStatus.INTERNAL_SERVER_ERROR;
	}

	/** The problem detail for {@code failure} of a fetch of {@code url}. */
	public static ProblemDetail of(Throwable failure, String url) {
		HttpStatus status = status(failure);
		String outcome = FetchMetrics.outcome(failure);
		String detail = (failure instanceof RejectedExecutionException)
				? "The reactor is not running; the service is starting or stopping" : String.valueOf(failure.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:asyncore:fetch:" + outcome));
		problem.setTitle(title(failure, status));
		problem.setProperty("url", url);
		if (failure instanceof FetchException.Timeout timeout) {
			problem.setProperty("phase", timeout.phase());
		}
		return problem;
	}

	private static String title(Throwable failure, HttpStatus status) {
		if (failure instanceof FetchException.InvalidUrl) {
			return "Invalid URL";
		}
		if (failure instanceof FetchException.Refused) {
			return "Refused by the fetch policy";
		}
		if (failure instanceof FetchException.TooLarge) {
			return "Response too large";
		}
		if (failure instanceof FetchException.Timeout) {
			return "Upstream timeout";
		}
		if (failure instanceof FetchException) {
			return "Upstream error";
		}
		return status.getReasonPhrase();
	}

}
