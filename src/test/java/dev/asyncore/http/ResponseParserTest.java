package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The response parser fed through asynchat framing, no sockets. */
class ResponseParserTest {

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static ParserHarness.Outcome parse(String response, boolean eof) {
		return ParserHarness.parse(bytes(response), Integer.MAX_VALUE, eof);
	}

	private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
			+ "5;name=value\r\nhello\r\n1\r\n \r\n5 ; ext\r\nworld\r\n0\r\nTrailer-Field: x\r\nOther: y\r\n\r\n";

	@Test
	void contentLength() {
		ParserHarness.Outcome outcome = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello", false);

		assertThat(outcome.done()).isTrue();
		assertThat(outcome.status()).isEqualTo(200);
		assertThat(outcome.body()).isEqualTo("hello");
		assertThat(outcome.headers()).contains("Content-Length=[5]", "Server=[t]");
	}

	@Test
	void chunkedWithExtensionsAndTrailers() {
		ParserHarness.Outcome outcome = parse(CHUNKED, false);

		assertThat(outcome.done()).isTrue();
		assertThat(outcome.body()).isEqualTo("hello world");
		assertThat(outcome.error()).isNull();
	}

	@ParameterizedTest(name = "{0}-byte reads")
	@ValueSource(ints = { 1, 2, 3, 7, 64 })
	void anySplitGivesTheSameResult(int chunkSize) {
		ParserHarness.Outcome whole = parse(CHUNKED, false);

		assertThat(ParserHarness.parse(bytes(CHUNKED), chunkSize, false)).isEqualTo(whole);
	}

	@Test
	void everyTwoWaySplitGivesTheSameResult() {
		byte[] response = bytes(CHUNKED);
		ParserHarness.Outcome whole = parse(CHUNKED, false);
		for (int cut = 0; cut <= response.length; cut++) {
			ParserHarness harness = new ParserHarness(false, 8192, 1 << 20);
			ParserHarness.Outcome split = harness.run(
					List.of(Arrays.copyOfRange(response, 0, cut), Arrays.copyOfRange(response, cut, response.length)),
					false);
			assertThat(split).as("cut at %d", cut).isEqualTo(whole);
		}
	}

	@Test
	void closeDelimitedBodyEndsAtEndOfInput() {
		String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";

		assertThat(parse(response, false).done()).isFalse();
		ParserHarness.Outcome outcome = parse(response, true);
		assertThat(outcome.done()).isTrue();
		assertThat(outcome.body()).isEqualTo("until the end");
	}

	@Test
	void headResponseHasNoBodyWhateverContentLengthSays() {
		ParserHarness harness = new ParserHarness(true, 8192, 100);

		ParserHarness.Outcome outcome = harness.run(List.of(bytes("HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n")),
				false);

		assertThat(outcome.done()).isTrue();
		assertThat(outcome.error()).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "204 No Content", "304 Not Modified" })
	void statusesWithoutBody(String status) {
		assertThat(parse("HTTP/1.1 " + status + "\r\nContent-Length: 10\r\n\r\n", false).done()).isTrue();
	}

	@Test
	void interimResponsesAreSkipped() {
		ParserHarness.Outcome outcome = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
				+ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);

		assertThat(outcome.status()).isEqualTo(200);
		assertThat(outcome.interim()).isEqualTo(2);
		assertThat(outcome.body()).isEqualTo("ok");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			garbage status line       | SSH-2.0-OpenSSH_9.0\\r\\n\\r\\n                                      | Protocol
			status without code       | HTTP/1.1 OK\\r\\n\\r\\n                                              | Protocol
			status code too big       | HTTP/1.1 999 Odd\\r\\n\\r\\n                                         | Protocol
			HTTP/2 status line        | HTTP/2 200\\r\\n\\r\\n                                               | Protocol
			bare LF in head           | HTTP/1.1 200 OK\\nContent-Length: 0\\r\\n\\r\\n                      | Protocol
			obsolete folding          | HTTP/1.1 200 OK\\r\\nA: b\\r\\n c\\r\\n\\r\\n                         | Protocol
			space before colon        | HTTP/1.1 200 OK\\r\\nBad : x\\r\\n\\r\\n                               | Protocol
			conflicting lengths       | HTTP/1.1 200 OK\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n | Protocol
			negative length           | HTTP/1.1 200 OK\\r\\nContent-Length: -1\\r\\n\\r\\n                    | Protocol
			gzip transfer coding      | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n      | Protocol
			bad chunk size            | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n     | Protocol
			chunk longer than said    | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1\\r\\nab\\r\\n | Protocol
			switching protocols       | HTTP/1.1 101 Switching Protocols\\r\\n\\r\\n                           | Protocol
			body over the limit       | HTTP/1.1 200 OK\\r\\nContent-Length: 2000000\\r\\n\\r\\n               | TooLarge
			chunk over the limit      | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nfffffff\\r\\n | TooLarge
			""")
	void malformedRepliesAreTypedErrors(String name, String escaped, String error) {
		String response = escaped.strip().replace("\\r", "\r").replace("\\n", "\n");

		assertThat(parse(response, false).error()).as(name).isEqualTo(error);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			nothing at all       | ''
			half a status line   | HTTP/1.1 20
			in the headers       | HTTP/1.1 200 OK\\r\\nContent-Le
			short body           | HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nabc
			no last chunk        | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabc\\r\\n
			""")
	void truncatedRepliesAreProtocolErrors(String name, String escaped) {
		String response = escaped.strip().replace("\\r", "\r").replace("\\n", "\n");

		assertThat(parse(response, true).error()).as(name).isEqualTo("Protocol");
	}

	@Test
	void oversizeHeadIsTooLarge() {
		ParserHarness harness = new ParserHarness(false, 1024, 1 << 20);
		String response = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n";

		assertThat(harness.run(List.of(bytes(response)), false).error()).isEqualTo("TooLarge");
	}

	@Test
	void endlessInterimResponsesHitTheHeadLimit() {
		ParserHarness harness = new ParserHarness(false, 1024, 1 << 20);

		assertThat(harness.run(List.of(bytes("HTTP/1.1 100 Continue\r\n\r\n".repeat(100))), false).error())
			.isEqualTo("TooLarge");
	}

	@Test
	void keepAliveFollowsVersionAndConnectionHeader() {
		assertThat(keepAlive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).isTrue();
		assertThat(keepAlive("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n")).isFalse();
		assertThat(keepAlive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).isFalse();
		assertThat(keepAlive("HTTP/1.1 200 OK\r\n\r\nclose-delimited")).isFalse();
	}

	private static boolean keepAlive(String response) {
		ParserHarness harness = new ParserHarness(false, 8192, 100);
		harness.run(List.of(bytes(response)), false);
		return harness.keepAlive();
	}

}
