package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Evaluates URLs and addresses only: nothing here connects anywhere. */
class FetchPolicyTest {

	enum Outcome {

		ALLOWED, REFUSED, INVALID

	}

	private static Outcome outcome(FetchPolicy policy, String url) {
		try {
			policy.checkUrl(URI.create(url));
			return Outcome.ALLOWED;
		}
		catch (FetchException.Refused ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return Outcome.REFUSED;
		}
		catch (FetchException.InvalidUrl ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return Outcome.INVALID;
		}
		catch (FetchException ex) {
			throw new AssertionError("unexpected " + ex, ex);
		}
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			# loopback, every spelling
			http://127.0.0.1/                          | REFUSED
			http://127.1/                              | REFUSED
			http://127.0.1/                            | REFUSED
			http://2130706433/                         | REFUSED
			http://0177.0.0.1/                         | REFUSED
			http://0x7f.1/                             | REFUSED
			http://0X7F.0.0.1/                         | REFUSED
			http://0x7f000001/                         | REFUSED
			http://017700000001/                       | REFUSED
			http://127.000.000.001/                    | REFUSED
			http://127.0.0.1./                         | REFUSED
			http://127.255.255.254:8080/x              | REFUSED
			http://[::1]/                              | REFUSED
			http://[0:0:0:0:0:0:0:1]/                  | REFUSED
			http://[::ffff:127.0.0.1]/                 | REFUSED
			http://[::ffff:7f00:1]/                    | REFUSED
			http://[0:0:0:0:0:ffff:127.0.0.1]/         | REFUSED
			http://[::127.0.0.1]/                      | REFUSED
			http://[64:ff9b::127.0.0.1]/               | REFUSED
			http://[64:ff9b::7f00:1]/                  | REFUSED
			http://[2002:7f00:1::]/                    | REFUSED
			# RFC 1918 and unique local
			http://10.0.0.1/                           | REFUSED
			http://10.255.255.255/                     | REFUSED
			http://012.1/                              | REFUSED
			http://167772161/                          | REFUSED
			http://172.16.0.1/                         | REFUSED
			http://172.31.255.255/                     | REFUSED
			http://192.168.1.1/                        | REFUSED
			http://0xc0.0xa8.1.1/                      | REFUSED
			http://[::ffff:10.0.0.1]/                  | REFUSED
			http://[::ffff:192.168.0.1]/               | REFUSED
			http://[64:ff9b::10.1.2.3]/                | REFUSED
			http://[fc00::1]/                          | REFUSED
			http://[fd12:3456:789a::1]/                | REFUSED
			http://[fec0::1]/                          | REFUSED
			# link-local and cloud metadata
			http://169.254.169.254/latest/meta-data/   | REFUSED
			http://2852039166/                         | REFUSED
			http://0xa9fea9fe/                         | REFUSED
			http://0251.0376.0251.0376/                | REFUSED
			http://169.254.43518/                      | REFUSED
			http://[::ffff:169.254.169.254]/           | REFUSED
			http://[::ffff:a9fe:a9fe]/                 | REFUSED
			http://[64:ff9b::a9fe:a9fe]/               | REFUSED
			http://[fe80::1]/                          | REFUSED
			http://[FE80::abcd]/                       | REFUSED
			# carrier-grade NAT, multicast, unspecified, broadcast, reserved
			http://100.64.0.1/                         | REFUSED
			http://100.127.255.255/                    | REFUSED
			http://224.0.0.1/                          | REFUSED
			http://239.255.255.250/                    | REFUSED
			http://[ff02::1]/                          | REFUSED
			http://[::ffff:224.0.0.1]/                 | REFUSED
			http://0.0.0.0/                            | REFUSED
			http://0/                                  | REFUSED
			http://0x0/                                | REFUSED
			http://[::]/                               | REFUSED
			http://[::ffff:0.0.0.0]/                   | REFUSED
			http://255.255.255.255/                    | REFUSED
			http://4294967295/                         | REFUSED
			http://240.0.0.1/                          | REFUSED
			http://0.1.2.3/                            | REFUSED
			http://192.0.2.1/                          | REFUSED
			http://198.18.0.1/                         | REFUSED
			http://[2001:db8::1]/                      | REFUSED
			http://[2001:0:4136:e378::1]/              | REFUSED
			http://[100::1]/                           | REFUSED
			# schemes
			ftp://example.org/                         | REFUSED
			file:///etc/passwd                         | REFUSED
			gopher://8.8.8.8:70/                       | REFUSED
			mailto:someone@example.org                 | REFUSED
			# public
			http://93.184.216.34/                      | ALLOWED
			https://8.8.8.8/                           | ALLOWED
			http://134744072/                          | ALLOWED
			http://100.63.255.255/                     | ALLOWED
			http://100.128.0.1/                        | ALLOWED
			http://172.32.0.1/                         | ALLOWED
			http://172.15.255.255/                     | ALLOWED
			http://169.253.1.1/                        | ALLOWED
			http://[2606:4700:4700::1111]/             | ALLOWED
			http://[::ffff:8.8.8.8]/                   | ALLOWED
			http://[64:ff9b::8.8.8.8]/                 | ALLOWED
			http://example.org/                        | ALLOWED
			https://example.org./                      | ALLOWED
			http://EXAMPLE.org:8080/path?q=1           | ALLOWED
			https://xn--bcher-kva.example/             | ALLOWED
			# not usable as written
			http://1.2.3.256/                          | INVALID
			http://0x100000000/                        | INVALID
			http://4294967296/                         | INVALID
			http://1.2.3.4.5/                          | INVALID
			http://08.0.0.1/                           | INVALID
			http://1.2.65536/                          | INVALID
			http://user@example.org/                   | INVALID
			http://example.org@127.0.0.1/              | INVALID
			http://example.org:0/                      | INVALID
			http://example.org:65536/                  | INVALID
			http://example.org:8o/                     | INVALID
			http://[::1%25eth0]/                       | INVALID
			http://exa%6dple.org/                      | INVALID
			http://example..org/                       | INVALID
			http:///path                               | INVALID
			/relative/path                             | INVALID
			""")
	void defaultPolicy(String url, Outcome expected) {
		assertThat(outcome(FetchPolicy.defaults(), url)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			http://127.0.0.1:8080/           | ALLOWED
			http://0x7f.1/                   | ALLOWED
			http://[::1]/                    | ALLOWED
			http://10.1.2.3/                 | ALLOWED
			http://192.168.0.10/             | ALLOWED
			http://[fd00::1]/                | ALLOWED
			http://100.64.0.1/               | ALLOWED
			http://169.254.169.254/          | REFUSED
			http://[fe80::1]/                | REFUSED
			http://0.0.0.0/                  | REFUSED
			http://[::]/                     | REFUSED
			http://224.0.0.1/                | REFUSED
			http://255.255.255.255/          | REFUSED
			http://[::ffff:169.254.169.254]/ | REFUSED
			""")
	void privateNetworksAllowed(String url, Outcome expected) {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		assertThat(outcome(policy, url)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			https://example.org/             | ALLOWED
			https://EXAMPLE.ORG./            | ALLOWED
			https://www.example.net/         | ALLOWED
			https://a.b.example.net/         | ALLOWED
			https://example.net/             | REFUSED
			https://evil.org/                | REFUSED
			https://example.org.evil.org/    | REFUSED
			http://example.org/              | REFUSED
			https://example.org:8443/        | REFUSED
			""")
	void hostAndPortAllowLists(String url, Outcome expected) {
		FetchPolicy policy = FetchPolicy.builder()
			.allowedHosts(Set.of("Example.org", "*.example.net"))
			.allowedPorts(Set.of(443))
			.build();
		assertThat(outcome(policy, url)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource(delimiter = '|', textBlock = """
			8.8.8.8                 | PUBLIC
			127.0.0.53              | LOOPBACK
			::1                     | LOOPBACK
			10.9.8.7                | PRIVATE
			172.20.0.1              | PRIVATE
			fd00::1                 | PRIVATE
			64:ff9b:1::1            | PRIVATE
			100.100.100.100         | SHARED
			169.254.169.254         | LINK_LOCAL
			fe80::1                 | LINK_LOCAL
			224.0.0.251             | MULTICAST
			ff05::2                 | MULTICAST
			0.0.0.0                 | UNSPECIFIED
			::                      | UNSPECIFIED
			255.255.255.255         | BROADCAST
			203.0.113.9             | RESERVED
			::ffff:0:a9fe:a9fe      | LINK_LOCAL
			2001:4860:4860::8888    | PUBLIC
			""")
	void addressClasses(String literal, AddressClass expected) throws Exception {
		// literals only: getByName parses them without a look-up
		assertThat(AddressClass.of(InetAddress.getByName(literal))).isEqualTo(expected);
	}

	@Test
	void refusalNamesTheAddressAndTheWayOut() throws Exception {
		FetchPolicy policy = FetchPolicy.defaults();

		assertThatThrownBy(() -> policy.checkAddress("internal.example", InetAddress.getByName("10.0.0.5")))
			.isInstanceOf(FetchException.Refused.class)
			.hasMessageContaining("10.0.0.5")
			.hasMessageContaining("private")
			.hasMessageContaining("allowPrivateNetworks");
		assertThatCode(() -> policy.checkAddress("public.example", InetAddress.getByName("1.1.1.1")))
			.doesNotThrowAnyException();
	}

	@Test
	void hostsAreNormalisedForTheHostHeader() throws Exception {
		Target target = FetchPolicy.defaults().target(URI.create("http://0x5d.0270.0xd822/a b".replace(" ", "%20")));

		assertThat(target.host().name()).isEqualTo("93.184.216.34");
		assertThat(target.hostHeader()).isEqualTo("93.184.216.34");
		assertThat(target.requestTarget()).isEqualTo("/a%20b");
	}

	@Test
	void parseUrlTurnsEveryBadInputIntoInvalidUrl() throws Exception {
		// new URI(...) throws NumberFormatException for this one (a Jazzer finding)
		assertThatThrownBy(() -> FetchPolicy.parseUrl("http://[::fff:100000000694.]52/"))
			.isInstanceOf(FetchException.InvalidUrl.class);
		assertThatThrownBy(() -> FetchPolicy.parseUrl("http://exa mple.org/")).isInstanceOf(FetchException.InvalidUrl.class);
		assertThat(FetchPolicy.parseUrl(" https://example.org/a ")).isEqualTo(URI.create("https://example.org/a"));
	}

	@Test
	void invalidPolicyValuesAreRejected() {
		assertThatThrownBy(() -> FetchPolicy.builder().maxRedirects(-1).build())
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> FetchPolicy.builder().readTimeout(java.time.Duration.ZERO).build())
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("readTimeout");
	}

}
