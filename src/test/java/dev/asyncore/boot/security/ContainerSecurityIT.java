package dev.asyncore.boot.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.asyncore.boot.ContainerConfiguration;
import dev.asyncore.boot.security.SecurityMatrix.Endpoint;

import static dev.asyncore.boot.security.SecurityMatrix.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container's configuration ({@code config/application.yml} over the jar's defaults), its
 * credentials given through the environment variables its placeholders name, as the image does:
 * the API on one port, Actuator on the management port, every endpoint as every kind of caller.
 * Only the addresses are moved to loopback and the ports to ephemeral ones, through the same
 * placeholders.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { ContainerConfiguration.LOCATION, ContainerConfiguration.EPHEMERAL_PORTS,
				"HTTP_ADDRESS=127.0.0.1", "MANAGEMENT_ADDRESS=127.0.0.1", "ASYNCORE_BIND_HOST=127.0.0.1",
				"ASYNCORE_SECURITY_USER_NAME=" + Caller.USER,
				"ASYNCORE_SECURITY_USER_PASSWORD_HASH=" + Caller.PASSWORD_HASH,
				"asyncore.fetch.allow-private-networks=true", "asyncore.reactor.shutdown-grace=1s" })
@Timeout(120)
class ContainerSecurityIT {

	static final List<Caller> CALLERS = List.of(Caller.NONE, Caller.WRONG_TOKEN, Caller.TOKEN, Caller.BASIC,
			Caller.NEXT_TOKEN);

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void tokens(DynamicPropertyRegistry registry) {
		registry.add("ASYNCORE_SECURITY_TOKEN_HASH", () -> Caller.tokenHash(Caller.TOKEN_VALUE));
		registry.add("ASYNCORE_SECURITY_TOKEN_NEXT_HASH", () -> Caller.tokenHash(Caller.NEXT_TOKEN_VALUE));
	}

	@Test
	void whenStartedWithTheContainerConfigurationThenActuatorHasItsOwnPort() {
		assertThat(this.managementPort).isPositive().isNotEqualTo(this.port);
	}

	@Test
	void whenCredentialsComeFromTheEnvironmentThenFetchAndDiagnosticsNeedThemAndTheScrapeAndProbesStayOpen() {
		// columns: none, wrong token, token, basic, the rotation's next token
		new SecurityMatrix(this.port, this.managementPort, true).check(Map.ofEntries(
				Map.entry(Endpoint.GET_FETCH, row(CALLERS, 401, 401, 200, 200, 200)),
				Map.entry(Endpoint.POST_FETCH, row(CALLERS, 401, 401, 200, 200, 200)),
				Map.entry(Endpoint.PROBE, row(CALLERS, 401, 401, 404, 404, 404)),
				Map.entry(Endpoint.HEALTH, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.LIVENESS, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.INFO, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.PROMETHEUS, row(CALLERS, 200, 401, 200, 200, 200)),
				Map.entry(Endpoint.REACTOR, row(CALLERS, 401, 401, 200, 200, 200)),
				Map.entry(Endpoint.PROBES, row(CALLERS, 401, 401, 200, 200, 200)),
				Map.entry(Endpoint.LINKS, row(CALLERS, 401, 401, 200, 200, 200)),
				// Actuator is not on the API port: a stranger learns nothing, a caller gets 404
				Map.entry(Endpoint.API_PORT_PROMETHEUS, row(CALLERS, 401, 401, 404, 404, 404))));
	}

}
