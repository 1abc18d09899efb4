package dev.asyncore.http;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Go's proxy choice: {@code http.ProxyURL}, and {@code httpproxy}'s environment and NO_PROXY rules. */
class HttpProxyTest {

	private static final URI PROXY = URI.create("http://proxy.example:3128");

	@Test
	void aProxyWithoutNoProxyIsUsedForEveryUrlLoopbackIncluded() {
		HttpProxy proxy = HttpProxy.of(PROXY, "", List.of(), true);

		assertThat(proxy.proxyFor(false, "127.0.0.1", 80)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(true, "localhost", 443)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(true, "example.org", 443)).isEqualTo(PROXY);
	}

	@Test
	void noProxyMatchesNamesSuffixesAddressesRangesAndPortsAsGoDoes() {
		HttpProxy proxy = HttpProxy.of(PROXY, "example.org, .internal,*.corp.example, 10.0.0.0/8, 192.0.2.7, "
				+ "svc.example:8080, [2001:db8::1]", List.of(), true);

		assertThat(proxy.proxyFor(false, "example.org", 80)).isNull();
		assertThat(proxy.proxyFor(false, "www.example.org", 80)).isNull();
		assertThat(proxy.proxyFor(false, "notexample.org", 80)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(false, "db.internal", 80)).isNull();
		assertThat(proxy.proxyFor(false, "internal", 80)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(false, "a.corp.example", 80)).isNull();
		assertThat(proxy.proxyFor(false, "10.1.2.3", 80)).isNull();
		assertThat(proxy.proxyFor(false, "11.1.2.3", 80)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(false, "192.0.2.7", 80)).isNull();
		assertThat(proxy.proxyFor(false, "svc.example", 8080)).isNull();
		assertThat(proxy.proxyFor(false, "svc.example", 80)).isEqualTo(PROXY);
		assertThat(proxy.proxyFor(true, "[2001:db8::1]", 443)).isNull();
		assertThat(proxy.proxyFor(false, "localhost", 80)).as("loopback always direct with a list").isNull();
		assertThat(proxy.proxyFor(false, "127.0.0.2", 80)).isNull();
		assertThat(HttpProxy.of(PROXY, "*", List.of(), true).proxyFor(true, "anything.example", 443)).isNull();
	}

	@Test
	void theEnvironmentIsReadUpperCaseFirstWithHttpAndHttpsApartAndSchemeLessProxiesAsHttp() {
		HttpProxy proxy = HttpProxy.fromEnvironment(Map.of("HTTP_PROXY", "http://upper:1", "http_proxy", "http://lower:2",
				"https_proxy", "10.0.0.1:3", "no_proxy", "skip.example"), List.of(), true);

		assertThat(proxy.proxyFor(false, "a.example", 80)).isEqualTo(URI.create("http://upper:1"));
		assertThat(proxy.proxyFor(true, "a.example", 443)).isEqualTo(URI.create("http://10.0.0.1:3"));
		assertThat(proxy.proxyFor(true, "skip.example", 443)).isNull();
		assertThat(proxy.proxyFor(false, "127.0.0.1", 80)).isNull();
	}

	@Test
	void underCgiHttpProxyIsIgnoredAndWithoutVariablesEverythingIsDirect() {
		HttpProxy cgi = HttpProxy.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1", "REQUEST_METHOD", "GET"), List.of(), true);
		HttpProxy none = HttpProxy.fromEnvironment(Map.of(), List.of(), true);

		assertThat(cgi.proxyFor(false, "a.example", 80)).isNull();
		assertThat(none.proxyFor(false, "a.example", 80)).isNull();
		assertThat(none.proxyFor(true, "a.example", 443)).isNull();
	}

	@Test
	void aProxyVariableThatIsNoUrlIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpProxy.fromEnvironment(Map.of("HTTPS_PROXY", "http://bad host"), List.of(), true))
			.withMessageContaining("invalid proxy address");
	}

	@Test
	void theUserAndPasswordOfAProxyBecomeBasicCredentialsAndAreNeverShown() {
		URI proxy = URI.create("http://user:s3cret@proxy.example:3128");

		assertThat(HttpProxy.authorization(proxy)).isEqualTo("Basic dXNlcjpzM2NyZXQ=");
		assertThat(HttpProxy.authorization(PROXY)).isNull();
		assertThat(HttpProxy.of(proxy, "", List.of(Map.entry("X-Token", "t0ken")), true).toString())
			.doesNotContain("s3cret", "t0ken").contains("<secret>");
	}

}
