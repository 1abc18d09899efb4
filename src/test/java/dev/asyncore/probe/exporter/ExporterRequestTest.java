package dev.asyncore.probe.exporter;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The exporter's request head parser: the request line's grammar, line endings, the query. */
class ExporterRequestTest {

	@Test
	void aRequestIsSplitIntoMethodPathQueryAndHeadersWhateverItsLineEndings() throws Exception {
		for (String eol : new String[] { "\r\n", "\n", "\r" }) {
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

	private static ExporterRequest parse(String head) throws ExporterRequest.BadRequest {
		return ExporterRequest.parse(head.getBytes(StandardCharsets.ISO_8859_1));
	}

}
