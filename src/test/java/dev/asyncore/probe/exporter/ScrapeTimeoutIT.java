package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code X-Prometheus-Scrape-Timeout-Seconds}, shape by shape, as blackbox_exporter 0.23 answered each
 * on this machine (offset 0.5 s): the value read with Go's syntax, the module's timeout taking over
 * when shorter or when the difference is negative, a deadline Go sees as already past answered at
 * once with {@code probe_success 0}; beyond it, never more than 120 s (or the module's timeout).
 */
@Timeout(60)
class ScrapeTimeoutIT {

	private ExporterFixture fixture;

	private ExporterFixture.SilentTarget silent;

	/** A port nothing listens on: a probe of it ends at once, its log showing the timeout it got. */
	private String closed;

	@BeforeEach
	void start() throws Exception {
		this.fixture = new ExporterFixture("scrape-timeout-it", 64, 0);
		this.silent = new ExporterFixture.SilentTarget();
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.closed = "http://127.0.0.1:" + socket.getLocalPort() + "/";
		}
	}

	@AfterEach
	void stop() throws Exception {
		this.silent.close();
		this.fixture.close();
	}

	private String probe(String module, String target, String header) throws IOException {
		String query = "/probe?debug=true&module=" + module + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
		return (header == null) ? this.fixture.exchange(ExporterFixture.get(query))
				: this.fixture.exchange(ExporterFixture.get(query, "X-Prometheus-Scrape-Timeout-Seconds: " + header));
	}

	/** The {@code timeout_seconds} of the "Beginning probe" line of a debug answer. */
	private static String timeoutSeconds(String answer) {
		return answer.lines().filter(l -> l.contains("msg=\"Beginning probe\""))
			.map(l -> l.substring(l.indexOf("timeout_seconds=") + "timeout_seconds=".length()))
			.findFirst().orElse(answer);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "abc|parsing \"abc\": invalid syntax", "5s|parsing \"5s\": invalid syntax",
			"3d|parsing \"3d\": invalid syntax", "1__0|parsing \"1__0\": invalid syntax",
			"0x10|parsing \"0x10\": invalid syntax", "+nan|parsing \"+nan\": invalid syntax",
			"1e400|parsing \"1e400\": value out of range" })
	void anUnparsableHeaderIsRefusedWithGosReason(String header, String reason) throws Exception {
		String answer = probe("open", this.closed, header);
		assertThat(answer).startsWith("HTTP/1.1 400 ")
			.contains("Failed to parse timeout from Prometheus header: strconv.ParseFloat: " + reason);
	}

	@Test
	void noHeaderOrZeroIsBlackboxExportersTwoMinutesLessTheOffset() throws Exception {
		assertThat(timeoutSeconds(probe("open", this.closed, null))).isEqualTo("119.5");
		assertThat(timeoutSeconds(probe("open", this.closed, "0"))).isEqualTo("119.5");
		assertThat(timeoutSeconds(probe("open", this.closed, "1e-400"))).as("underflows to 0").isEqualTo("119.5");
		assertThat(timeoutSeconds(probe("open", this.closed, "-0"))).isEqualTo("119.5");
		assertThat(timeoutSeconds(probe("five", this.closed, "0"))).isEqualTo("5.0");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-5", "0.2", "0.5", "NaN", "nan", "Infinity", "+Inf", "inf", "-Inf", "1e308", "9e18" })
	void aDeadlineGoSeesAsPastIsAFailedProbeAtOnceWithoutContactingTheTarget(String header) throws Exception {
		long start = System.nanoTime();
		String answer = probe("open", this.silent.url(), header);
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.printf("scrape timeout %s: answered in %d ms%n", header, millis);
		assertThat(answer).startsWith("HTTP/1.1 200 ").contains("context deadline exceeded");
		assertThat(ExporterFixture.metric(answer, "probe_success")).isEqualTo("0");
		assertThat(millis).isLessThan(3_000);
		assertThat(this.silent.accepted()).isEmpty();
		assertThat(this.fixture.exporter.inFlight()).isZero();
	}

	@Test
	void aModuleTimeoutTakesOverFromHugeNegativeAndInfiniteHeadersButNotFromNaN() throws Exception {
		for (String header : new String[] { "Infinity", "1e308", "9e18", "-5", "-Inf", "0.2" }) {
			assertThat(timeoutSeconds(probe("five", this.closed, header))).as(header).isEqualTo("5.0");
		}
		assertThat(timeoutSeconds(probe("five", this.closed, "2"))).isEqualTo("1.5");
		String nan = probe("five", this.silent.url(), "NaN");
		assertThat(nan).contains("context deadline exceeded");
		assertThat(ExporterFixture.metric(nan, "probe_success")).isEqualTo("0");
	}

	@ParameterizedTest
	@ValueSource(strings = { "300", "9e9", "120.6" })
	void noHeaderGivesMoreThanTwoMinutesWithoutAModuleTimeout(String header) throws Exception {
		assertThat(timeoutSeconds(probe("open", this.closed, header))).isEqualTo("120.0");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "1_0|9.5", "0x1p1|1.5", "0X1.8P1|2.5", "+3|2.5", "5.|4.5", ".75|0.25",
			"1e0_1|9.5", "' 3 '|2.5" })
	void theHeaderIsReadWithGosSyntax(String header, String seconds) throws Exception {
		assertThat(timeoutSeconds(probe("open", this.closed, header))).isEqualTo(seconds);
	}

}
