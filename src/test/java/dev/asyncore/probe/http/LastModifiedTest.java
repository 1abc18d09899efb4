package dev.asyncore.probe.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;

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
				assertThat(HttpJudge.imfFixdate(text)).as(text).isEqualTo(seconds);
			}
		}
		assertThat(HttpJudge.imfFixdate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777L);
	}

	@Test
	void whenTheDateIsInAnotherFormOrOutOfRangeThenTheFormatterDecides() {
		assertThat(HttpJudge.imfFixdate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun Nov  6 08:49:37 1994")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun, 06 Nov 1994 08:49:37 +0100")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun, 31 Feb 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun, 06 Nox 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun, 06 Nov 1994 24:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
		assertThat(HttpJudge.imfFixdate("Sun, 06 Nov 1994 08:49:3x GMT")).isEqualTo(Long.MIN_VALUE);
	}

}
