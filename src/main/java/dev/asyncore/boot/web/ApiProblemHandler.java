package dev.asyncore.boot.web;

import java.net.URI;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Gives every request error Spring MVC raises (400 a missing parameter or an unreadable body, 404 no
 * such path, 405 the wrong method, 406, 415 the wrong content type...) the same RFC 9457 shape as
 * the problems of the features: {@code application/problem+json} with a {@code type} of
 * {@code urn:asyncore:request:<reason>}, such as {@code urn:asyncore:request:not_found}. Applies to
 * every handler (the error may come before any controller is chosen), at the lowest precedence: a
 * feature's own advice (the fetch failures of {@code /fetch}) answers first.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiProblemHandler extends ResponseEntityExceptionHandler {

	/** The problem type of a request error with {@code status}, such as {@code urn:asyncore:request:not_found}. */
	public static URI type(HttpStatusCode status) {
		HttpStatus known = HttpStatus.resolve(status.value());
		String reason = (known != null) ? known.name().toLowerCase() : "status_" + status.value();
		return URI.create("urn:asyncore:request:" + reason);
	}

	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		if (body instanceof ProblemDetail problem
				&& (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
			problem.setType(type(statusCode));
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

}
