package dev.asyncore.boot.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.asyncore.boot.security.SecurityMatrix.Endpoint;

import static dev.asyncore.boot.security.SecurityMatrix.row;

/**
 * The jar's built-in configuration (loopback, Actuator on the API port) once credentials are
 * configured: every endpoint as every kind of caller.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=echo",
				"asyncore.listeners[0].port=0", "asyncore.fetch.allow-private-networks=true",
				"asyncore.security.rate-limit.burst=1000", "asyncore.security.users[0].name=" + Caller.USER,
				"asyncore.security.users[0].password-hash=" + Caller.PASSWORD_HASH })
@Timeout(120)
class BuiltInSecurityIT {

	static final List<Caller> CALLERS = List.of(Caller.NONE, Caller.WRONG_TOKEN, Caller.TOKEN, Caller.BASIC,
			Caller.PROBE_ONLY);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tokens(DynamicPropertyRegistry registry) {
		// a list comes whole from one property source: every element of it here
		registry.add("asyncore.security.tokens[0].name", () -> "all");
		registry.add("asyncore.security.tokens[1].name", () -> "probe-only");
		registry.add("asyncore.security.tokens[1].scopes", () -> "probe");
		registry.add("asyncore.security.tokens[0].hash", () -> Caller.tokenHash(Caller.TOKEN_VALUE));
		registry.add("asyncore.security.tokens[1].hash", () -> Caller.tokenHash(Caller.PROBE_ONLY_VALUE));
	}

	@Test
	void whenCredentialsAreConfiguredThenFetchAndDiagnosticsNeedThemAndHealthInfoPrometheusStayOpen() {
		// columns: none, wrong token, token, basic, probe-only token
		new SecurityMatrix(this.port, this.port, true).check(Map.ofEntries(
				Map.entry(Endpoint.GET_FETCH, row(CALLERS, 401, 401, 200, 200, 403)),
				Map.entry(Endpoint.POST_FETCH, row(CALLERS, 401, 401, 200, 200, 403)),
				Map.entry(Endpoint.PROBE, row(CALLERS, 401, 401, 404, 404, 404)),
				Map.entry(Endpoint.HEALTH, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.LIVENESS, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.INFO, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.PROMETHEUS, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.REACTOR, row(CALLERS, 401, 401, 200, 200, 403)),
				Map.entry(Endpoint.PROBES, row(CALLERS, 401, 401, 200, 200, 403)),
				Map.entry(Endpoint.LINKS, row(CALLERS, 401, 401, 200, 200, 403))));
	}

}
