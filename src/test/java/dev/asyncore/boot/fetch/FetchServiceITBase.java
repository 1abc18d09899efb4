package dev.asyncore.boot.fetch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service with the fetch policy of {@code application-fetch-it.yml} (loopback allowed by name
 * only), the test resolver and trust, and two probes of the in-process {@link Origins}. Every
 * subclass shares this one cached context (the probes tests too, from their own package).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.config.location=classpath:/")
@ActiveProfiles({ "it", "fetch-it" })
@Import(FetchTestBeans.class)
@Timeout(60)
public abstract class FetchServiceITBase {

	@LocalServerPort
	int httpPort;

	protected Api api;

	protected Origins origins;

	@DynamicPropertySource
	static void probes(DynamicPropertyRegistry registry) {
		Origins origins = Origins.get();
		registry.add("asyncore.probes[0].name", () -> "origin");
		registry.add("asyncore.probes[0].url", () -> "http://" + Origins.HOST + ":" + origins.probePort() + "/");
		registry.add("asyncore.probes[0].interval", () -> "100ms");
		registry.add("asyncore.probes[0].timeout", () -> "2s");
		registry.add("asyncore.probes[1].name", () -> "secure");
		registry.add("asyncore.probes[1].url", () -> origins.https("/hello"));
		registry.add("asyncore.probes[1].interval", () -> "1s");
		registry.add("asyncore.probes[1].expected-status", () -> "200,204");
	}

	@BeforeEach
	void client() {
		this.api = new Api(this.httpPort);
		this.origins = Origins.get();
	}

}
