package dev.asyncore.probe.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.asyncore.http.HttpDate;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code probe_http_last_modified_timestamp_seconds} reads the IMF-fixdate servers send without a formatter. */
class LastModifiedTest {

	@Test
	void whenTheDateIsAnImfFixdateThenItsSecondsAreThoseTheRfc1123FormatterReads() {
		Random random = new Random(11);
		for (int i = 0; i < 50_000; i++) {
			long seconds = (long) (random.nextDouble() * 8_000_000_000L) - 1_000_000_000L; // 1938 to 2223
			String text = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(seconds).atOffset(ZoneOffset.UTC))
				.replace("+0000", "GMT")
				.replace("Z", "GMT");
			if (text.length() == 29) { // the formatter writes days 1 to 9 with one digit; servers pad them
				assertThat(HttpDate.imfFixdate(text)).as(text).isEqualTo(seconds);
			}
		}
		assertThat(HttpDate.imfFixdate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777L);
	}

	@Test
	void whenTheDateIsInAnotherFormOrOutOfRangeThenTheFormatterDecides() {
		assertThat(HttpDate.imfFixdate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun Nov  6 08:49:37 1994")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun, 06 Nov 1994 08:49:37 +0100")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun, 31 Feb 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun, 06 Nox 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun, 06 Nov 1994 24:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpDate.imfFixdate("Sun, 06 Nov 1994 08:49:3x GMT")).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void theRfc850AndAsctimeFormsReadAsGosParseTimeReadsThem() {
		long seconds = 784111777L; // Sun, 06 Nov 1994 08:49:37 GMT
		assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(seconds);
		assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(seconds);
		assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(seconds);
		assertThat(HttpDate.parse("Sun Nov 16 08:49:37 1994")).isEqualTo(seconds + 10 * 86_400L);
		// Go's two-digit years: 69 to 99 are the 1900s, 00 to 68 the 2000s
		assertThat(HttpDate.parse("Thursday, 01-Jan-70 00:00:00 GMT")).isZero();
		assertThat(HttpDate.parse("Sunday, 01-Jan-68 00:00:00 GMT")).isEqualTo(3_092_601_600L);
		assertThat(HttpDate.parse("Wednesday, 01-Jan-69 00:00:00 GMT")).isEqualTo(-31_536_000L);
	}

	@Test
	void whatGosParseTimeRefusesIsNoDate() {
		assertThat(HttpDate.parse("Sun, 6 Nov 1994 08:49:37 GMT")).isEqualTo(HttpDate.NONE); // day not padded
		assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 +0100")).isEqualTo(HttpDate.NONE);
		assertThat(HttpDate.parse("Sunday, 31-Feb-94 08:49:37 GMT")).isEqualTo(HttpDate.NONE);
		assertThat(HttpDate.parse("Sun Nov  6 08:49:37 94")).isEqualTo(HttpDate.NONE);
		assertThat(HttpDate.parse("1994-11-06T08:49:37Z")).isEqualTo(HttpDate.NONE);
		assertThat(HttpDate.parse("")).isEqualTo(HttpDate.NONE);
	}

}
