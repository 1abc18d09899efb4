package dev.asyncore.probe;

import java.math.BigDecimal;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeReportTest {

	@Test
	void numbersAreWrittenAsGoWritesThem() {
		assertThat(ProbeReport.goFloat(200)).isEqualTo("200");
		assertThat(ProbeReport.goFloat(0)).isEqualTo("0");
		assertThat(ProbeReport.goFloat(0.002768011)).isEqualTo("0.002768011");
		assertThat(ProbeReport.goFloat(2.1697e-05)).isEqualTo("2.1697e-05");
		assertThat(ProbeReport.goFloat(3668918509.0)).isEqualTo("3.668918509e+09");
		assertThat(ProbeReport.goFloat(1.1)).isEqualTo("1.1");
		assertThat(ProbeReport.goFloat(-1)).isEqualTo("-1");
		assertThat(ProbeReport.goFloat(123456)).isEqualTo("123456");
		assertThat(ProbeReport.goFloat(1e6)).isEqualTo("1e+06");
		assertThat(ProbeReport.goFloat(1.5e9)).isEqualTo("1.5e+09");
		assertThat(ProbeReport.goFloat(1.7e-3)).isEqualTo("0.0017");
		assertThat(ProbeReport.goFloat(0.0001)).isEqualTo("0.0001");
		assertThat(ProbeReport.goFloat(0.00001)).isEqualTo("1e-05");
		assertThat(ProbeReport.goFloat(123456.5)).isEqualTo("123456.5");
		assertThat(ProbeReport.goFloat(-0.25)).isEqualTo("-0.25");
		assertThat(ProbeReport.goFloat(1234567.25)).isEqualTo("1.23456725e+06");
		assertThat(ProbeReport.goFloat(Double.NaN)).isEqualTo("NaN");
		assertThat(ProbeReport.goFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004"); // 17 digits: Double.toString's
		assertThat(ProbeReport.goFloat(1e-20)).isEqualTo("1e-20");
		assertThat(ProbeReport.goFloat(1.2345678901234567e-7)).isEqualTo("1.2345678901234566e-07");
		assertThat(ProbeReport.goFloat(1e21)).isEqualTo("1e+21");
	}

	@Test
	void durationsInNanosecondsAreWrittenAsTheirDecimalDigitsAndReadBack() {
		Random random = new Random(42);
		for (int i = 0; i < 200_000; i++) {
			long nanos = 100_000 + (long) (random.nextDouble() * 999_999_000_000_000L); // 1e-4 s to ~1e6 s
			double seconds = nanos / 1e9;
			String expected = BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros().toPlainString();
			assertThat(ProbeReport.goFloat(seconds)).as("%d ns", nanos).isEqualTo(expected);
		}
	}

	@Test
	void durationsBelowATenThousandthOfASecondAreWrittenInExponentFormWithTheirDigits() {
		Random random = new Random(11);
		for (int i = 0; i < 100_000; i++) {
			long nanos = 1 + (long) (random.nextDouble() * 99_999); // 1 ns to 0.1 ms: loopback connects
			BigDecimal exact = BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros();
			String significant = exact.unscaledValue().toString();
			int exponent = significant.length() - 1 - exact.scale();
			String go = significant.charAt(0) + ((significant.length() > 1) ? "." + significant.substring(1) : "")
					+ "e-" + ((-exponent < 10) ? "0" : "") + -exponent;
			assertThat(ProbeReport.goFloat(nanos / 1e9)).as("%d ns", nanos).isEqualTo(go);
		}
	}

	@Test
	void integersFromAMillionUpAreWrittenInExponentFormWithTheirDigits() {
		Random random = new Random(3);
		for (int i = 0; i < 100_000; i++) {
			long n = 1_000_000 + (long) (random.nextDouble() * 999_999_000_000_000L);
			if (i % 3 == 0) {
				n = n / 1000 * 1000; // trailing zeros
			}
			String significant = new BigDecimal(n).stripTrailingZeros().unscaledValue().toString();
			String mantissa = significant.charAt(0) + ((significant.length() > 1) ? "." + significant.substring(1) : "");
			int exponent = Long.toString(n).length() - 1;
			String go = mantissa + "e+" + ((exponent < 10) ? "0" : "") + exponent;
			assertThat(ProbeReport.goFloat(n)).as("%d", n).isEqualTo(go);
		}
	}

	@Test
	void anyNumberReadsBackAsItselfInNoMoreDigitsThanJavaWrites() {
		Random random = new Random(7);
		for (int i = 0; i < 200_000; i++) {
			double value = Math.pow(10, random.nextInt(16) - 6) * random.nextDouble();
			String text = ProbeReport.goFloat(value);
			assertThat(Double.parseDouble(text)).as(text).isEqualTo(value);
			String java = Double.toString(value);
			int javaDigits = java.replaceAll("E.*", "").replaceAll("[.]", "").replaceAll("^0+", "").replaceAll("0+$", "").length();
			int goDigits = text.replaceAll("e.*", "").replaceAll("[.]", "").replaceAll("^0+", "").replaceAll("0+$", "").length();
			assertThat(goDigits).as(text + " vs " + java).isLessThanOrEqualTo(Math.max(1, javaDigits));
		}
	}

	@Test
	void familiesAreSortedByNameAndSamplesByLabels() {
		String text = new ProbeReport().gauge("probe_success", "Displays whether or not the probe was a success", 1)
			.gauge("probe_http_duration_seconds", "Duration", 0.5, "phase", "tls")
			.gauge("probe_http_duration_seconds", "Duration", 0.25, "phase", "connect")
			.gauge("probe_ssl_last_chain_info", "Info", 1, "subject", "CN=\"x\"")
			.render();
		assertThat(text).isEqualTo("""
				# HELP probe_http_duration_seconds Duration
				# TYPE probe_http_duration_seconds gauge
				probe_http_duration_seconds{phase="connect"} 0.25
				probe_http_duration_seconds{phase="tls"} 0.5
				# HELP probe_ssl_last_chain_info Info
				# TYPE probe_ssl_last_chain_info gauge
				probe_ssl_last_chain_info{subject="CN=\\"x\\""} 1
				# HELP probe_success Displays whether or not the probe was a success
				# TYPE probe_success gauge
				probe_success 1
				""");
	}

}
