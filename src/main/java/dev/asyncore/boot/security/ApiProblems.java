package dev.asyncore.boot.security;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import tools.jackson.databind.json.JsonMapper;

import dev.asyncore.boot.config.Scope;

/**
 * The security answers of the HTTP API as RFC 9457 problem details
 * ({@code application/problem+json}, type {@code urn:asyncore:security:<what>}): {@code 401} with
 * one {@code WWW-Authenticate} challenge per accepted scheme when credentials are missing or wrong,
 * {@code 403} with RFC 6750's {@code insufficient_scope} when they lack the scope, {@code 429} with
 * {@code Retry-After} for a client whose basic logins failed too often, and the limits' {@code 429}
 * and {@code 413}. Stateless; any request thread.
 */
final class ApiProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Credentials credentials;

	private final Function<HttpServletRequest, Optional<Scope>> requiredScope;

	/**
	 * @param requiredScope the scope a request needs, empty for open paths
	 */
	ApiProblems(Credentials credentials, Function<HttpServletRequest, Optional<Scope>> requiredScope) {
		this.credentials = credentials;
		this.requiredScope = requiredScope;
	}

	/** No credentials, or wrong ones ({@link CredentialsFilter} calls it at once for those). */
	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException failure) throws IOException {
		boolean presented = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
		for (String challenge : this.credentials.challenges()) {
			boolean bearer = challenge.startsWith("Bearer");
			response.addHeader(HttpHeaders.WWW_AUTHENTICATE,
					(presented && bearer) ? challenge + ", error=\"invalid_token\"" : challenge);
		}
		String detail = presented
				? "The credentials of the Authorization header are not valid for this service"
				: (this.credentials.isEmpty()
						? "This path needs credentials; none are configured (asyncore.security.tokens or asyncore.security.users)"
						: "This path needs credentials: Authorization: Bearer <token>"
								+ (this.credentials.challenges().size() > 1 ? " or Basic <user:password>" : ""));
		write(request, response, HttpStatus.UNAUTHORIZED, presented ? "invalid-credentials" : "unauthenticated",
				detail);
	}

	/** Valid credentials without the scope the path needs. */
	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		String scope = this.requiredScope.apply(request).map(Scope::value).orElse("");
		response.addHeader(HttpHeaders.WWW_AUTHENTICATE,
				"Bearer realm=\"" + Credentials.REALM + "\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
		String who = (request.getUserPrincipal() != null) ? "'" + request.getUserPrincipal().getName() + "'" : "The caller";
		write(request, response, HttpStatus.FORBIDDEN, "insufficient-scope",
				who + " may not call " + request.getRequestURI() + ": it needs the scope '" + scope + "'");
	}

	/** Too many failed basic logins from this client ({@link LoginBackoff}): {@code 429} before any bcrypt round. */
	void throttled(HttpServletRequest request, HttpServletResponse response, Credentials.Verdict.Throttled throttled)
			throws IOException {
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(throttled.seconds()));
		write(request, response, HttpStatus.TOO_MANY_REQUESTS, "login-backoff",
				"Too many failed logins from this address; retry in " + throttled.seconds() + " s");
	}

	/** {@code wait} in whole seconds, rounded up, at least 1: a {@code Retry-After} value. */
	static long retryAfterSeconds(Duration wait) {
		long seconds = wait.toSeconds() + ((wait.toNanosPart() == 0) ? 0 : 1);
		return Math.max(1, seconds);
	}

	/** Writes a problem detail of this family. */
	static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
			String detail) throws IOException {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "urn:asyncore:security:" + type);
		problem.put("title", status.getReasonPhrase());
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(JSON.writeValueAsBytes(problem));
		response.flushBuffer();
	}

}
