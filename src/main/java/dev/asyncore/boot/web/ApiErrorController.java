package dev.asyncore.boot.web;

import java.net.URI;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code server.error.path}, {@code /error}), in place of Spring
 * Boot's {@code BasicErrorController}: an error that reaches it from a real request (an exception no
 * handler answered, a request Spring Security's firewall refused) is an RFC 9457 problem with the
 * request's status and the {@link ApiProblemHandler#type type} of request errors, like every other
 * answer of the API. Asked for directly, it is a path like any other that serves nothing: {@code 404}
 * (and, when credentials are configured, {@code 401} before that for a caller without one), never
 * the {@code 500} Boot's controller answers. Any request thread.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@RestController
public class ApiErrorController implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		if (request.getDispatcherType() != DispatcherType.ERROR || !(code instanceof Integer status)) {
			ProblemDetail missing = problem(HttpStatus.NOT_FOUND, request.getRequestURI());
			missing.setDetail("Nothing is served at " + request.getRequestURI());
			return ResponseEntity.status(HttpStatus.NOT_FOUND).body(missing);
		}
		HttpStatusCode statusCode = HttpStatusCode.valueOf(status);
		return ResponseEntity.status(statusCode)
			.body(problem(statusCode, String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI))));
	}

	private static ProblemDetail problem(HttpStatusCode status, String path) {
		ProblemDetail problem = ProblemDetail.forStatus(status);
		problem.setType(ApiProblemHandler.type(status));
		URI instance;
		try {
			instance = URI.create(path);
		}
		catch (IllegalArgumentException ex) {
			instance = null; // a path the firewall refused may not be a URI: the problem goes without one
		}
		problem.setInstance(instance);
		return problem;
	}

}
