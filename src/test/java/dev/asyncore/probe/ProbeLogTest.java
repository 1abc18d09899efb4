package dev.asyncore.probe;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The lines of a probe's log: blackbox_exporter's logfmt shape, its quoting and its timestamps. */
class ProbeLogTest {

	@Test
	void aLineCarriesTheTimeModuleTargetLevelMessageAndPairs() {
		ProbeLog log = new ProbeLog("tcp_connect", "127.0.0.1:80");
		log.info("Beginning probe", "probe", "tcp", "timeout_seconds", 5.0);
		assertThat(log.lines()).singleElement()
			.asString()
			.matches("ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z caller=asyncore module=tcp_connect "
					+ "target=127\\.0\\.0\\.1:80 level=info msg=\"Beginning probe\" probe=tcp timeout_seconds=5\\.0");
	}

	@Test
	void valuesWithSpacesQuotesEqualsOrNewlinesAreQuotedAndEscapedAndOthersAreNot() {
		ProbeLog log = new ProbeLog("m", "t");
		log.info("m", "empty", "", "plain", "a:b/c", "space", "a b", "quote", "say \"hi\"", "equals", "a=b", "newline",
				"a\nb", "backslash", "a\\b c");
		assertThat(log.lines().get(0)).endsWith(" msg=m empty=\"\" plain=a:b/c space=\"a b\" quote=\"say \\\"hi\\\"\""
				+ " equals=\"a=b\" newline=\"a\\nb\" backslash=\"a\\\\b c\"");
	}

	@Test
	void aBackslashAloneDoesNotQuoteAValue() {
		ProbeLog log = new ProbeLog("m", "t");
		log.info("m", "path", "C:\\x");
		assertThat(log.lines().get(0)).endsWith(" path=C:\\x");
	}

	@Test
	void timestampsAreUtcToTheMillisecondAcrossSeconds() {
		StringBuilder out = new StringBuilder();
		ProbeLog.timestamp(out, Instant.parse("2026-12-07T20:15:59.999999Z"));
		out.append(' ');
		ProbeLog.timestamp(out, Instant.parse("2026-12-07T20:16:00.007Z"));
		out.append(' ');
		ProbeLog.timestamp(out, Instant.parse("2026-12-07T20:15:59.050Z")); // back again: a second made anew
		out.append(' ');
		ProbeLog.timestamp(out, Instant.parse("1999-12-31T23:59:59Z"));
		assertThat(out).hasToString("2026-12-07T20:15:59.999Z 2026-12-07T20:16:00.007Z 2026-12-07T20:15:59.050Z "
				+ "1999-12-31T23:59:59.000Z");
	}

	@Test
	void aLogWithoutLinesStillKeepsTheLastErrorAndTheLinesAreReadOnly() {
		ProbeLog quiet = new ProbeLog("m", "t", false);
		quiet.info("Beginning probe");
		quiet.error("Error dialing TCP", "err", "connection refused");
		assertThat(quiet.lines()).isEmpty();
		assertThat(quiet.lastError()).isEqualTo("Error dialing TCP err=\"connection refused\"");
		ProbeLog log = new ProbeLog("m", "t");
		log.info("one");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> log.lines().add("two"));
	}

}
