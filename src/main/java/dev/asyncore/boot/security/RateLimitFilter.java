package dev.asyncore.boot.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.asyncore.boot.config.ApiSecurityProperties;

/**
 * {@code asyncore.security.rate-limit}: one Bucket4j token bucket per client on the paths it
 * matches, the client being the authenticated principal or, for anonymous callers, the remote
 * address (behind a proxy that is the proxy, unless {@code server.forward-headers-strategy} says
 * otherwise). A request costs one token; an empty bucket answers {@code 429} with
 * {@code Retry-After} (whole seconds until the next token) before anything is fetched. Buckets live
 * in a bounded Caffeine cache, dropped when unused for ten minutes. Any request thread.
 */
final class RateLimitFilter extends OncePerRequestFilter {

	private final RequestMatcher limited;

	private final ApiSecurityProperties.RateLimitProperties limit;

	private final Cache<String, Bucket> buckets;

	RateLimitFilter(RequestMatcher limited, ApiSecurityProperties.RateLimitProperties limit) {
		this.limited = limited;
		this.limit = limit;
		this.buckets = Caffeine.newBuilder()
			.maximumSize(limit.maxClients())
			.expireAfterAccess(Duration.ofMinutes(10))
			.build();
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return this.limit.perMinute() == 0 || !this.limited.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String client = client(request);
		ConsumptionProbe probe = this.buckets.get(client, (key) -> newBucket()).tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			chain.doFilter(request, response);
			return;
		}
		long seconds = ApiProblems.retryAfterSeconds(Duration.ofNanos(probe.getNanosToWaitForRefill()));
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		ApiProblems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
				"More than " + this.limit.burst() + " requests at once or " + this.limit.perMinute()
						+ " a minute from this client (asyncore.security.rate-limit); retry in " + seconds + " s");
	}

	private static String client(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && !(authentication instanceof AnonymousAuthenticationToken)) {
			return "principal:" + authentication.getName();
		}
		return "address:" + request.getRemoteAddr();
	}

	private Bucket newBucket() {
		return Bucket.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(this.limit.burst())
				.refillGreedy(this.limit.perMinute(), Duration.ofMinutes(1)))
			.build();
	}

}
