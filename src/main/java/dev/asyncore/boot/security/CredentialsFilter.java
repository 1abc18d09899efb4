package dev.asyncore.boot.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates each request by its {@code Authorization} header through {@link Credentials}: a
 * valid one becomes the request's authentication (principal = the token's or user's name,
 * authorities = its scopes); a present but wrong one is answered {@code 401} at once, on every path,
 * so a misconfigured client hears about it; a client whose basic logins failed too often gets
 * {@code 429} without a bcrypt round; no header leaves the request to the anonymous rules. No
 * session: what {@link Credentials} remembers is a verified credential's salted hash, for a minute.
 */
final class CredentialsFilter extends OncePerRequestFilter {

	private final Credentials credentials;

	private final ApiProblems problems;

	CredentialsFilter(Credentials credentials, ApiProblems problems) {
		this.credentials = credentials;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null) {
			chain.doFilter(request, response);
			return;
		}
		Credentials.Verdict verdict = this.credentials.check(authorization, request.getRemoteAddr(), Runnable::run).join();
		if (verdict instanceof Credentials.Verdict.Throttled throttled) {
			this.problems.throttled(request, response, throttled);
			return;
		}
		if (!(verdict instanceof Credentials.Verdict.Allowed allowed)) {
			this.problems.commence(request, response, new BadCredentialsException("Invalid credentials"));
			return;
		}
		Credentials.Caller caller = allowed.caller();
		List<SimpleGrantedAuthority> authorities = caller
			.scopes()
			.stream()
			.map((scope) -> new SimpleGrantedAuthority(scope.authority()))
			.toList();
		SecurityContextHolder.setContext(new SecurityContextImpl(
				UsernamePasswordAuthenticationToken.authenticated(caller.name(), null, authorities)));
		try {
			chain.doFilter(request, response);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

}
