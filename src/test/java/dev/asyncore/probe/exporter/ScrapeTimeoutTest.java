package dev.asyncore.probe.exporter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Go's {@code strconv.ParseFloat} grammar, checked against what blackbox_exporter 0.23 accepted and refused. */
class ScrapeTimeoutTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "3|3.0", "+3|3.0", "00003|3.0", "3e0|3.0", "5.|5.0", ".5|0.5", "-0.1|-0.1",
			"1_0|10.0", "1e1_0|1.0E10", "1e-1_0|1.0E-10", "0x1p1|2.0", "0X1P1|2.0", "0x.8p2|2.0", "0x1.8p1|3.0",
			"0x_1p1|2.0", "0x1p1_0|1024.0", "1e-400|0.0", "9e18|9.0E18", "1e308|1.0E308", "Infinity|Infinity",
			"INFINITY|Infinity", "inf|Infinity", "+Inf|Infinity", "-Inf|-Infinity", "NaN|NaN", "nan|NaN" })
	void goAcceptsTheseAndReadsThemSo(String value, double seconds) throws Exception {
		assertThat(Double.valueOf(ScrapeTimeout.seconds(value))).isEqualTo(Double.valueOf(seconds)); // Double.equals: NaN is NaN
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "5s", "3d", "3f", " 3", "3 3", "0x10", "0b1", "0x", "0xp1", "1__0", "_1", "1_",
			"2_.5", "2._5", "0x1_p1", "1e_1", "1.5e", "+-3", "+nan", "-nan", "infin", ".", "e5", "٣" })
	void goRefusesTheseAsInvalidSyntax(String value) {
		assertThatExceptionOfType(ScrapeTimeout.Unparsable.class).isThrownBy(() -> ScrapeTimeout.seconds(value))
			.withMessageEndingWith(": invalid syntax")
			.withMessageStartingWith("strconv.ParseFloat: parsing \"");
	}

	@Test
	void aFiniteValueTooBigForADoubleIsOutOfRangeAsInGo() {
		assertThatExceptionOfType(ScrapeTimeout.Unparsable.class).isThrownBy(() -> ScrapeTimeout.seconds("1e400"))
			.withMessage("strconv.ParseFloat: parsing \"1e400\": value out of range");
		assertThatExceptionOfType(ScrapeTimeout.Unparsable.class).isThrownBy(() -> ScrapeTimeout.seconds("0x1p99999"))
			.withMessageEndingWith("value out of range");
	}

	@Test
	void anAbsentOrEmptyHeaderIsZeroWhichMeansNoScrapeTimeout() throws Exception {
		assertThat(ScrapeTimeout.seconds(null)).isZero();
		assertThat(ScrapeTimeout.seconds("")).isZero();
	}

	@Test
	void theValueIsQuotedAsGoQuotesIt() {
		assertThatExceptionOfType(ScrapeTimeout.Unparsable.class).isThrownBy(() -> ScrapeTimeout.seconds("a\"b\\c\td\u00e9"))
			.withMessage("strconv.ParseFloat: parsing \"a\\\"b\\\\c\\td\\xe9\": invalid syntax");
	}

}
