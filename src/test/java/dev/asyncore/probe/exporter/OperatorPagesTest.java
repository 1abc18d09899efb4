package dev.asyncore.probe.exporter;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/** What a finished probe leaves in the history behind {@code /logs}. */
class OperatorPagesTest {

	private final Module<?> module = ModuleFile.parse("modules:\n  tcp_connect:\n    prober: tcp\n", null,
			Probers.standard().kinds()).module("tcp_connect");

	@Test
	void aRunsPageIsItsLinesMetricsAndModuleAndALaterLineDoesNotReachIt() {
		OperatorPages pages = new OperatorPages(10, Level.DEBUG);
		ProbeLog log = new ProbeLog("tcp_connect", "127.0.0.1:1");
		log.info("Beginning probe");
		log.info("Probe succeeded");
		pages.finished(this.module, log, "probe_success 1\n", true, 0.01, null);
		log.info("a line after the answer");
		String page = pages.history().latest("127.0.0.1:1", "tcp_connect").debugOutput().get();
		assertThat(page).isEqualTo(OperatorPages.debugOutput(List.of(log.lines().get(0), log.lines().get(1)),
				"probe_success 1\n", this.module.text()));
		assertThat(page).startsWith("Logs for the probe:\nts=")
			.contains("msg=\"Probe succeeded\"\n\n\n\nMetrics that would have been returned:\nprobe_success 1\n\n\n\n"
					+ "Module configuration:\n")
			.doesNotContain("after the answer")
			.endsWith(this.module.text());
	}

	@Test
	void aRunOverTheCapKeepsOnlyTheCutText() {
		OperatorPages pages = new OperatorPages(10, Level.DEBUG);
		ProbeLog log = new ProbeLog("tcp_connect", "t");
		log.info("Big", "value", "x".repeat(ProbeHistory.MAX_LOG_CHARS));
		pages.finished(this.module, log, "probe_success 0\n", false, 0.01, null);
		String page = pages.history().latest("t", "").debugOutput().get();
		// booleans, not the page: a failure would print 64 KiB
		assertThat(page.startsWith("Logs for the probe:\nts=")).isTrue();
		assertThat(page.contains("more characters not kept]\n")).isTrue();
		assertThat(page.contains("Metrics that would have been returned")).isFalse();
		assertThat(page.length()).isLessThan(ProbeHistory.MAX_LOG_CHARS + 200);
	}

	@Test
	void theDebugLayoutJoinsLinesWithNewlinesAndNoLinesWithNothing() {
		assertThat(OperatorPages.debugOutput(List.of("a", "b"), "m\n", "mod"))
			.isEqualTo("Logs for the probe:\na\nb\n\n\n\nMetrics that would have been returned:\nm\n\n\n\nModule configuration:\nmod");
		assertThat(OperatorPages.debugOutput(List.of(), "", ""))
			.isEqualTo("Logs for the probe:\n\n\n\n\nMetrics that would have been returned:\n\n\n\nModule configuration:\n");
	}

}
