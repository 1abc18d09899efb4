package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes URL and address handling: any URL string either parses to a target that is safe to put in
 * a request (public literal or a host name; no control characters or spaces in the Host header or
 * request target) or fails with InvalidUrl/Refused. Nothing is resolved or connected.
 */
class FetchPolicyFuzzTest {

	private static final FetchPolicy POLICY = FetchPolicy.defaults();

	@FuzzTest(maxDuration = "2m")
	void urlsAreEitherSafeTargetsOrTypedRefusals(FuzzedDataProvider data) {
		String text = data.consumeRemainingAsString();
		Target target;
		try {
			target = POLICY.target(FetchPolicy.parseUrl(text));
		}
		catch (FetchException.InvalidUrl | FetchException.Refused ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		catch (FetchException ex) {
			throw new AssertionError("unexpected failure type " + ex, ex);
		}
		if (target.host().isLiteral()) {
			assertThat(AddressClass.of(target.host().literal())).isEqualTo(AddressClass.PUBLIC);
		}
		assertThat(target.hostHeader()).doesNotContainPattern("[\\x00-\\x20\\x7f-\\uffff/?#@]");
		assertThat(target.requestTarget()).startsWith("/").doesNotContainPattern("[\\x00-\\x20\\x7f-\\uffff]");
		assertThat(target.port()).isBetween(1, 65535);
	}

}
