package dev.asyncore.boot.security;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.asyncore.boot.config.ApiSecurityProperties;
import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.Scope;

/**
 * Spring Security for a service, not a web site: stateless (no session, no cookie), no login page,
 * no CSRF (no cookie to ride on), no redirect; every request authenticated by its
 * {@code Authorization} header alone ({@link CredentialsFilter}). What each path needs:
 *
 * <ul>
 * <li>{@code health}, {@code info}, {@code prometheus}: nothing, unless
 * {@code asyncore.security.open.<id>=false}; health details need an authenticated caller
 * ({@code show-details: when-authorized});</li>
 * <li>the other Actuator endpoints ({@code reactor}, {@code probes}, the links page): scope
 * {@code diagnostics};</li>
 * <li>{@code /fetch}: scope {@code fetch}; {@code /probe}: scope {@code probe}; both rate limited per
 * client, and {@code POST /fetch}'s body capped;</li>
 * <li>anything else: some credential (so an unknown path tells a stranger nothing), {@code /error}
 * included when asked for directly; the container's error dispatch to it is not checked again.</li>
 * </ul>
 *
 * Callers without credentials get every scope only where {@link Exposure} allows it. Answers carry
 * Spring Security's default headers ({@code Cache-Control: no-cache, no-store, ...},
 * {@code X-Content-Type-Options}); Tomcat sends no {@code Server} header.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Configuration(proxyBeanMethods = false)
@Import(ExposureConfiguration.class)
public class SecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SecurityConfiguration.class);

	static final RequestMatcher FETCH = new OrRequestMatcher(PathPatternRequestMatcher.pathPattern("/fetch"),
			PathPatternRequestMatcher.pathPattern("/fetch/**"));

	static final RequestMatcher PROBE = new OrRequestMatcher(PathPatternRequestMatcher.pathPattern("/probe"),
			PathPatternRequestMatcher.pathPattern("/probe/**"));

	@Bean
	SecurityFilterChain asyncoreSecurityFilterChain(HttpSecurity http, ApiSecurityProperties properties,
			AsyncoreProperties asyncore, Credentials asyncoreCredentials, Exposure exposure) throws Exception {
		if (exposure.anonymousAllowed()) {
			logger.info("Callers without credentials may use /fetch, /probe and the diagnostic endpoints ({})",
					properties.allowAnonymous() ? "asyncore.security.allow-anonymous=true"
							: "HTTP on loopback and no credentials configured");
		}
		List<Rule> rules = rules(properties.open());
		ApiProblems problems = new ApiProblems(asyncoreCredentials, (request) -> requiredScope(rules, request));
		String[] everyScope = Scope.all().stream().map(Scope::authority).toArray(String[]::new);
		http.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.formLogin(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous((anonymous) -> anonymous.authorities(exposure.anonymousAllowed() ? everyScope
					: new String[] { "ROLE_ANONYMOUS" }))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.addFilterBefore(new CredentialsFilter(asyncoreCredentials, problems), AnonymousAuthenticationFilter.class)
			.addFilterAfter(new RateLimitFilter(new OrRequestMatcher(FETCH, PROBE), properties.rateLimit()),
					AuthorizationFilter.class)
			.addFilterAfter(new RequestBodyLimitFilter(PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/fetch"),
					asyncore.fetch().maxRequestSize().toBytes()), RateLimitFilter.class)
			.authorizeHttpRequests((authorize) -> {
				// the request dispatch was authorised; its async and error dispatches need no second look
				authorize.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
				for (Rule rule : rules) {
					if (rule.scope() == null) {
						authorize.requestMatchers(rule.matcher()).permitAll();
					}
					else {
						authorize.requestMatchers(rule.matcher()).hasAuthority(rule.scope().authority());
					}
				}
				authorize.anyRequest().hasAnyAuthority(everyScope);
			});
		return http.build();
	}

	/** The path rules in order, the first match deciding; a {@code null} scope is open to anyone. */
	private static List<Rule> rules(ApiSecurityProperties.OpenProperties open) {
		return List.of(new Rule(EndpointRequest.to("health"), open.health() ? null : Scope.DIAGNOSTICS),
				new Rule(EndpointRequest.to("info"), open.info() ? null : Scope.DIAGNOSTICS),
				new Rule(EndpointRequest.to("prometheus"), open.prometheus() ? null : Scope.DIAGNOSTICS),
				new Rule(EndpointRequest.toAnyEndpoint(), Scope.DIAGNOSTICS), new Rule(FETCH, Scope.FETCH),
				new Rule(PROBE, Scope.PROBE));
	}

	private static Optional<Scope> requiredScope(List<Rule> rules, HttpServletRequest request) {
		return rules.stream().filter((rule) -> rule.matcher().matches(request)).findFirst().map(Rule::scope);
	}

	private record Rule(RequestMatcher matcher, Scope scope) {
	}

}
