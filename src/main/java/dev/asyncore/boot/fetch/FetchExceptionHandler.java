package dev.asyncore.boot.fetch;

import java.net.URI;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.asyncore.boot.web.ApiProblemHandler;
import dev.asyncore.http.FetchException;

/**
 * Renders the errors of {@link FetchController} as RFC 9457 problem details
 * ({@code application/problem+json}): fetch failures as {@link FetchProblems} says, a full
 * service as 503 with {@code Retry-After} ({@code urn:asyncore:fetch:busy}), a request the
 * controller rejects as 400 ({@code urn:asyncore:request:bad_request}). Errors Spring MVC raises
 * before or around the controller (missing {@code url}, unreadable body, 404, 405, 415) are
 * {@link ApiProblemHandler}'s.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@RestControllerAdvice(assignableTypes = FetchController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FetchExceptionHandler {

	/** The problem type of a 503 for lack of slots. */
	static final URI BUSY = URI.create("urn:asyncore:fetch:busy");

	/** Seconds a client should wait before retrying a request refused for lack of slots. */
	static final String RETRY_AFTER_SECONDS = "1";

	private static final Logger logger = LoggerFactory.getLogger(FetchExceptionHandler.class);

	@ExceptionHandler({ FetchException.class, RejectedExecutionException.class })
	ResponseEntity<ProblemDetail> fetchFailed(Exception failure, HttpServletRequest request) {
		return problem(failure, request);
	}

	@ExceptionHandler(CompletionException.class)
	ResponseEntity<ProblemDetail> fetchFailed(CompletionException failure, HttpServletRequest request) {
		return problem(FetchService.unwrap(failure), request);
	}

	@ExceptionHandler(FetchLimitExceededException.class)
	ResponseEntity<ProblemDetail> full(FetchLimitExceededException failure) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, failure.getMessage());
		problem.setTitle("Too many fetches in flight");
		problem.setType(BUSY);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
			.body(problem);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException failure) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, failure.getMessage());
		problem.setType(ApiProblemHandler.type(HttpStatus.BAD_REQUEST));
		return ResponseEntity.badRequest().body(problem);
	}

	private static ResponseEntity<ProblemDetail> problem(Throwable failure, HttpServletRequest request) {
		if (FetchOutcome.of(failure) == FetchOutcome.ERROR) {
			logger.error("Unexpected failure of a fetch of {}", request.getParameter("url"), failure);
		}
		ProblemDetail problem = FetchProblems.of(failure, request.getParameter("url"));
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
