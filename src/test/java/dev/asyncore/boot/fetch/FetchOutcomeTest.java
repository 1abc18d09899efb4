package dev.asyncore.boot.fetch;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

import org.springframework.http.ProblemDetail;

import dev.asyncore.http.FetchException;

import static org.assertj.core.api.Assertions.assertThat;

/** The outcome tags, problem types and statuses users see, one per kind of fetch failure. */
class FetchOutcomeTest {

	private static final List<FetchException> ONE_OF_EACH_KIND = List.of(new FetchException.InvalidUrl("bad"),
			new FetchException.Refused("no"), new FetchException.Dns("nxdomain", null),
			new FetchException.Connect("refused", null), new FetchException.Tls("untrusted", null),
			new FetchException.Timeout("read", "slow"), new FetchException.Protocol("garbage"),
			new FetchException.TooLarge("big"), new FetchException.TooManyRedirects("loop"));

	@Test
	void everyKindOfFailureHasTheOutcomeTagItsLabelNames() {
		assertThat(ONE_OF_EACH_KIND).extracting(FetchException::kind)
			.containsExactlyInAnyOrder(FetchException.Kind.values());
		for (FetchException failure : ONE_OF_EACH_KIND) {
			assertThat(FetchOutcome.of(failure).tag()).isEqualTo(failure.kind().label());
		}
		assertThat(ONE_OF_EACH_KIND).extracting((failure) -> FetchOutcome.of(failure).tag())
			.containsExactly("invalid_url", "refused", "dns", "connect", "tls", "timeout", "protocol", "too_large",
					"too_many_redirects");
	}

	@Test
	void failuresOtherThanFetchExceptionsAreUnavailableOrError() {
		assertThat(FetchOutcome.of(new RejectedExecutionException("closed")).tag()).isEqualTo("unavailable");
		assertThat(FetchOutcome.of(new IOException("?")).tag()).isEqualTo("error");
		assertThat(FetchOutcome.SUCCESS.tag()).isEqualTo("success");
	}

	@Test
	void eachFailureIsAProblemWithItsStatusAndUrn() {
		assertThat(ONE_OF_EACH_KIND).extracting((failure) -> FetchProblems.of(failure, "http://x/").getStatus())
			.containsExactly(400, 403, 502, 502, 502, 504, 502, 413, 502);
		ProblemDetail tooMany = FetchProblems.of(new FetchException.TooManyRedirects("loop"), "http://x/");
		assertThat(tooMany.getType()).hasToString("urn:asyncore:fetch:too_many_redirects");
		assertThat(tooMany.getTitle()).isEqualTo("Upstream error");
		ProblemDetail timeout = FetchProblems.of(new FetchException.Timeout("connect", "slow"), "http://x/");
		assertThat(timeout.getType()).hasToString("urn:asyncore:fetch:timeout");
		assertThat(timeout.getProperties()).containsEntry("phase", "connect").containsEntry("url", "http://x/");
		ProblemDetail unavailable = FetchProblems.of(new RejectedExecutionException("closed"), "http://x/");
		assertThat(unavailable.getStatus()).isEqualTo(503);
		assertThat(unavailable.getType()).hasToString("urn:asyncore:fetch:unavailable");
		assertThat(unavailable.getTitle()).isEqualTo("Service Unavailable");
		ProblemDetail bug = FetchProblems.of(new IllegalStateException("bug"), "http://x/");
		assertThat(bug.getStatus()).isEqualTo(500);
		assertThat(bug.getType()).hasToString("urn:asyncore:fetch:error");
		assertThat(bug.getTitle()).isEqualTo("Internal Server Error");
	}

}
