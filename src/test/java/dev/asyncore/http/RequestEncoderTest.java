package dev.asyncore.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestEncoderTest {

	@Test
	void whenTheConnectionIsFreshThenTheRequestSaysItCloses() {
		RequestOptions fresh = new RequestOptions(null, List.of(), null, null, null, null, true, null);
		assertThat(encode(fresh)).isEqualTo("GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ua\r\n"
				+ "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n");
	}

	@Test
	void whenTheConnectionIsPooledOrTheProberSetsConnectionThenNoCloseIsAdded() {
		assertThat(encode(RequestOptions.NONE)).doesNotContain("Connection");
		RequestOptions own = new RequestOptions(null, List.of(Map.entry("Connection", "keep-alive")), null, null, null,
				null, true, null);
		assertThat(encode(own)).contains("Connection: keep-alive\r\n").doesNotContain("close");
	}

	@Test
	void theJarsCookiesFollowACookieHeaderOfTheCallerAsGosAddCookie() throws Exception {
		Target target = Target.of(URI.create("http://h/"));
		RequestOptions none = RequestOptions.NONE;
		RequestOptions own = new RequestOptions(null, List.of(Map.entry("Cookie", "mine=0")), null, null, null, null, true, null);
		assertThat(new String(RequestEncoder.encode("GET", target, "ua", none, null, "a=1; b=2"), StandardCharsets.ISO_8859_1))
			.contains("\r\nCookie: a=1; b=2\r\n");
		assertThat(new String(RequestEncoder.encode("GET", target, "ua", own, null, "a=1"), StandardCharsets.ISO_8859_1))
			.contains("\r\nCookie: mine=0; a=1\r\n").containsOnlyOnce("Cookie");
		assertThat(new String(RequestEncoder.encode("GET", target, "ua", none, null, null), StandardCharsets.ISO_8859_1))
			.doesNotContain("Cookie");
	}

	private static String encode(RequestOptions options) {
		Target target;
		try {
			target = Target.of(URI.create("http://127.0.0.1:8080/x?y=1"));
		}
		catch (FetchException ex) {
			throw new AssertionError(ex);
		}
		return new String(RequestEncoder.encode("GET", target, "ua", options, null), StandardCharsets.ISO_8859_1);
	}

}
