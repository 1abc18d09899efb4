package dev.asyncore.boot.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.asyncore.boot.Failures;
import dev.asyncore.http.FetchPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code asyncore.fetch} and {@code asyncore.probes} bound from properties: defaults, mapping, rules. */
class FetchConfigurationTest {

	private static AsyncoreProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("asyncore",
				AsyncoreProperties.class);
	}

	@Test
	void whenNothingIsConfiguredThenTheDesignDefaultsApplyAndPrivateNetworksAreRefused() {
		AsyncoreProperties properties = bind(Map.of());
		FetchPolicy policy = properties.fetch().toPolicy();

		assertThat(policy.allowPrivateNetworks()).isFalse();
		assertThat(policy.allowedHosts()).isEmpty();
		assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.readTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.maxBodySize()).isEqualTo(10L * 1024 * 1024);
		assertThat(policy.maxRedirects()).isEqualTo(5);
		assertThat(properties.fetch().maxConcurrent()).isEqualTo(256);
		assertThat(properties.probes()).isEmpty();
	}

	@Test
	void whenAPrivateAddressIsRefusedThenTheRefusalNamesTheKeyThatAdmitsIt() {
		FetchPolicy policy = bind(Map.of()).fetch().toPolicy();

		assertThatThrownBy(() -> policy.checkAddress("localhost", InetAddress.getLoopbackAddress()))
			.hasMessageContaining("(set asyncore.fetch.allow-private-networks: true to fetch it)")
			.hasMessageNotContaining("allowPrivateNetworks");
	}

	@Test
	void whenFetchKeysAreSetThenThePolicyCarriesThem() {
		AsyncoreProperties properties = bind(Map.of("asyncore.fetch.allow-private-networks", "true",
				"asyncore.fetch.allowed-hosts", "example.org,*.example.net", "asyncore.fetch.read-timeout", "2s",
				"asyncore.fetch.max-body-size", "1KB", "asyncore.fetch.max-redirects", "0"));
		FetchPolicy policy = properties.fetch().toPolicy();

		assertThat(policy.allowPrivateNetworks()).isTrue();
		assertThat(policy.allowedHosts()).isEqualTo(Set.of("example.org", "*.example.net"));
		assertThat(policy.readTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.maxBodySize()).isEqualTo(1024);
		assertThat(policy.maxRedirects()).isZero();
	}

	@Test
	void whenAProbeIsConfiguredThenItsDefaultsApplyAndExpectedStatusDecidesSuccess() {
		AsyncoreProperties properties = bind(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url",
				"https://example.org/", "asyncore.probes[1].name", "b", "asyncore.probes[1].url", "http://example.org/",
				"asyncore.probes[1].expected-status", "301,302"));

		ProbeProperties a = properties.probes().get(0);
		assertThat(a.interval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(a.expects(204)).isTrue();
		assertThat(a.expects(301)).isFalse();
		assertThat(properties.probes().get(1).expects(302)).isTrue();
		assertThat(properties.probes().get(1).expects(200)).isFalse();
	}

	@Test
	void whenValuesAreInvalidThenBindingFailsNamingTheProperty() {
		assertFails(Map.of("asyncore.fetch.max-concurrent", "0"), "asyncore.fetch.max-concurrent: must be at least 1");
		assertFails(Map.of("asyncore.fetch.connect-timeout", "0s"), "asyncore.fetch.connect-timeout: must be positive");
		assertFails(Map.of("asyncore.fetch.max-redirects", "-1"), "asyncore.fetch.max-redirects: must not be negative");
		assertFails(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", "ftp://example.org/"),
				"asyncore.probes[0].url: must be an http or https URL");
		assertFails(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", "http://[::1"),
				"asyncore.probes[0].url: ");
		assertFails(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", "http://a/",
				"asyncore.probes[1].name", "a", "asyncore.probes[1].url", "http://b/"),
				"asyncore.probes[1].name: 'a' is already the name of asyncore.probes[0]");
		assertFails(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", "http://a/",
				"asyncore.probes[0].interval", "0s"), "asyncore.probes[0].interval: must be positive");
		assertFails(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", "http://a/",
				"asyncore.probes[0].expected-status", "99"), "asyncore.probes[0].expected-status: status codes");
	}

	@Test
	void whenAProbeUrlHoldsCredentialsThenBindingFailsWithoutShowingThem() {
		for (String url : new String[] { "https://alice:pw-in-url@example.org/", "http://pw-in-url@example.org/",
				"http://alice:pw-in-url@[::1" }) {
			assertThatThrownBy(() -> bind(Map.of("asyncore.probes[0].name", "a", "asyncore.probes[0].url", url)))
				.isInstanceOf(BindException.class)
				.satisfies((failure) -> assertThat(Failures.messages(failure))
					.contains("asyncore.probes[0].url: has credentials")
					.doesNotContain("pw-in-url"));
		}
	}

	private static void assertFails(Map<String, String> properties, String message) {
		assertThatThrownBy(() -> bind(properties)).isInstanceOf(BindException.class)
			.satisfies((failure) -> assertThat(Failures.messages(failure)).contains(message));
	}

}
