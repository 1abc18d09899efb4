package dev.asyncore.probe.exporter;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The exporter's request head parser: the request line's grammar, line endings, the query, RFC 9112's refusals. */
class ExporterRequestTest {

	@Test
	void aRequestIsSplitIntoMethodPathQueryAndHeadersWithCrLfOrLfLineEndings() throws Exception {
		for (String eol : new String[] { "\r\n", "\n" }) {
			ExporterRequest request = parse(eol + "GET /probe?target=a%3A1&module=m&target=b&flag HTTP/1.1" + eol
					+ "Host: x" + eol + "Connection:  close " + eol);
			assertThat(request.method()).isEqualTo("GET");
			assertThat(request.path()).isEqualTo("/probe");
			assertThat(request.query()).containsExactly(Map.entry("target", "a:1"), Map.entry("module", "m"),
					Map.entry("flag", ""));
			assertThat(request.headers()).containsEntry("host", "x").containsEntry("connection", "close");
			assertThat(request.keepAlive()).isFalse();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"get /probe HTTP/1.1|400", "GETGETGETGETGETGE /probe HTTP/1.1|400", "G3T /probe HTTP/1.1|400",
			"GET /probe HTTP/1.1x|400", "GET /probe HTTP/a|400", "GET /probe HTTP/1.|400", "GET /probe http/1.1|400",
			"GET  /probe HTTP/1.1|400", "GET /probe|400", "GET probe HTTP/1.1|400", "GET /probe HTTP/2|505",
			"GET /probe HTTP/2.0|505", "GET /probe HTTP/0.9|505" })
	void aMalformedOrUnservedRequestLineIsRefusedWithItsStatus(String line, int status) {
		assertThatExceptionOfType(ExporterRequest.BadRequest.class).isThrownBy(() -> parse(line + "\r\nHost: x\r\n"))
			.satisfies(ex -> assertThat(ex.status()).isEqualTo(status));
	}

	@Test
	void aSixteenLetterMethodAndHttp10AreUnderstood() throws Exception {
		ExporterRequest request = parse("ABCDEFGHIJKLMNOP / HTTP/1.0\r\n");
		assertThat(request.method()).isEqualTo("ABCDEFGHIJKLMNOP");
		assertThat(request.keepAlive()).isFalse();
		assertThat(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n").keepAlive()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "X: a\rContent-Length: 5", "X: a\r", "X: a\r\rY: b", "\rX: a" })
	void aBareCrIsRefusedSoThatItCannotEndAHeaderLineAndSmuggleOne(String lines) {
		assertRefused("GET /-/reload HTTP/1.1\r\nHost: x\r\n" + lines + "\r\n", "bare CR");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Content-Length\t: 5", "Content-Length : 5", "Host\t: x", "X-A b: c", "X\"Y: z",
			"X(Y): z", ": nameless" })
	void aHeaderNameThatIsNotATokenIsRefusedWhitespaceBeforeTheColonIncluded(String line) {
		assertRefused("GET / HTTP/1.1\r\n" + line + "\r\n", "malformed header line");
	}

	@ParameterizedTest
	@ValueSource(strings = { "+5", "-5", "5x", "0x5", "5 5", "5, 5", "", "٥", "1e3" })
	void aContentLengthThatIsNotDigitsIsRefused(String value) {
		assertRefused("POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + "\r\n", "bad Content-Length");
	}

	@Test
	void twoDifferentContentLengthsAreRefusedAndTwoEqualOnesAreOne() throws Exception {
		assertRefused("POST /-/reload HTTP/1.1\r\nContent-Length: 5\r\nHost: x\r\nContent-length: 6\r\n",
				"bad Content-Length");
		assertRefused("POST /-/reload HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 00\r\n", "bad Content-Length");
		ExporterRequest same = parse("POST /-/reload HTTP/1.1\r\nContent-Length: 5\r\nCONTENT-LENGTH:5\r\n");
		assertThat(same.headers()).containsEntry("content-length", "5");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f" })
	void aControlCharacterAnywhereInTheHeadIsRefused(String control) {
		assertRefused("GET / HTTP/1.1\r\nX: a" + control + "b\r\n", "control character");
		assertRefused("GET / HTTP/1.1\r\nX" + control + ": ab\r\n", "control character");
		assertRefused("GET /probe?target=a" + control + " HTTP/1.1\r\nHost: x\r\n", "control character");
		assertRefused("GET / HTTP/1.1" + control + "\r\nHost: x\r\n", "control character");
	}

	@Test
	void aTabInsideAValueAndBytesBeyondAsciiAreFieldContent() throws Exception {
		ExporterRequest request = parse("GET / HTTP/1.1\r\nX:\t a\tb\u00e9 \t\r\n");
		assertThat(request.headers()).containsEntry("x", "a\tb\u00e9");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Host: x\r\n folded", "Host: x\r\n\tfolded", " Host: x", "X: a\n b" })
	void anObsoleteLineFoldIsRefused(String lines) {
		// refused by the old parser too, as a malformed line; the reason is now named
		assertRefused("GET / HTTP/1.1\r\n" + lines + "\r\n", "obsolete line folding");
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET /a\tb HTTP/1.1", "GET /\u00e9 HTTP/1.1", "GET /a\u00a0b HTTP/1.1" })
	void aRequestTargetOutsideVisibleAsciiIsRefused(String line) {
		assertThatExceptionOfType(ExporterRequest.BadRequest.class).isThrownBy(() -> parse(line + "\r\nHost: x\r\n"))
			.satisfies(ex -> assertThat(ex.status()).isEqualTo(400));
	}

	private static void assertRefused(String head, String reason) {
		assertThatExceptionOfType(ExporterRequest.BadRequest.class).isThrownBy(() -> parse(head))
			.satisfies(ex -> assertThat(ex.status()).isEqualTo(400))
			.withMessageContaining(reason);
	}

	private static ExporterRequest parse(String head) throws ExporterRequest.BadRequest {
		return ExporterRequest.parse(head.getBytes(StandardCharsets.ISO_8859_1));
	}

}
