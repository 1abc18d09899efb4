package dev.asyncore.probe.exporter;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.representer.Representer;

import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;

/**
 * What an operator sees of the probes, as blackbox_exporter shows it: the {@link ProbeHistory},
 * the landing page {@code /} with the recent probes, {@code /logs?id=} and
 * {@code /logs?target=&module=} (a run's debug output), {@code /config} (the loaded modules, secrets
 * as {@code <secret>}), and one line in the service's log per failed probe at the
 * {@code --log.prober} level. Pages are rendered from immutable module files and the history's
 * snapshot; any thread.
 */
public final class OperatorPages {

	/** The logger of the failed-probe lines (blackbox_exporter's scrape logger). */
	public static final String PROBER_LOGGER = "dev.asyncore.probe.exporter.prober";

	private static final Logger prober = LoggerFactory.getLogger(PROBER_LOGGER);

	private final ProbeHistory history;

	private final Level failedProbeLevel;

	/**
	 * @param historyLimit blackbox_exporter's {@code --history.limit}: recent runs kept, and older
	 * failures kept beyond them
	 * @param failedProbeLevel blackbox_exporter's {@code --log.prober}: the level of the line each
	 * failed probe writes to the service's log
	 */
	public OperatorPages(int historyLimit, Level failedProbeLevel) {
		this.history = new ProbeHistory(historyLimit);
		this.failedProbeLevel = Objects.requireNonNull(failedProbeLevel);
	}

	/** The history behind the pages. */
	public ProbeHistory history() {
		return this.history;
	}

	/** Whether every probe must keep its log lines (for the history), not only one asked with {@code debug=true}. */
	boolean keepsLogs() {
		return this.history.keeps();
	}

	/**
	 * What {@code debug=true} shows, and {@code /logs} later: the probe's log, the metrics it
	 * answered and its module (secrets masked), in blackbox_exporter's layout.
	 */
	static String debugOutput(List<String> lines, String metrics, String moduleText) {
		int length = LOGS.length() + METRICS.length() + metrics.length() + MODULE.length() + moduleText.length();
		for (String line : lines) {
			length += line.length() + 1;
		}
		StringBuilder out = new StringBuilder(length).append(LOGS);
		for (int i = 0; i < lines.size(); i++) {
			out.append((i == 0) ? "" : "\n").append(lines.get(i));
		}
		return out.append(METRICS).append(metrics).append(MODULE).append(moduleText).toString();
	}

	private static final String LOGS = "Logs for the probe:\n";

	private static final String METRICS = "\n\n\n\nMetrics that would have been returned:\n";

	private static final String MODULE = "\n\n\nModule configuration:\n";

	/**
	 * Records a finished probe in the history and, if it failed, logs why. Called once per probe, on
	 * its loop, after {@code log}'s last line.
	 * @param reason the last error of the probe before its "Probe failed" line, or {@code null}
	 */
	void finished(Module<?> module, ProbeLog log, String metrics, boolean ok, double seconds, String reason) {
		if (!ok) {
			prober.atLevel(this.failedProbeLevel)
				.log("Probe failed: module={} target={} duration_seconds={} reason: {}", printable(log.module()),
						printable(log.target()), String.format(Locale.ROOT, "%.3f", seconds),
						(reason != null) ? printable(reason) : "(none logged)");
		}
		if (this.history.keeps()) {
			// the page is made when read, from the lines and metrics kept as they are; a run whose
			// output is over the cap keeps only the capped text, made now
			List<String> lines = List.copyOf(log.lines());
			int length = metrics.length();
			for (String line : lines) {
				length += line.length() + 1;
			}
			if (length > ProbeHistory.MAX_LOG_CHARS) {
				String head = ProbeHistory.cap(debugOutput(lines, metrics, ""));
				this.history.add(log.module(), log.target(), ok, seconds, () -> head + module.text());
			}
			else {
				this.history.add(log.module(), log.target(), ok, seconds, () -> debugOutput(lines, metrics, module.text()));
			}
		}
	}

	/** {@code /}: links to the other pages, the modules and the recent probes, newest first. */
	ExporterResponse landing(ModuleFile modules) {
		StringBuilder html = new StringBuilder(4096).append("""
				<html>
				<head><title>Blackbox Exporter</title></head>
				<body>
				<h1>Blackbox Exporter</h1>
				<p><a href="probe?target=prometheus.io&amp;module=http_2xx">Probe prometheus.io for http_2xx</a></p>
				<p><a href="probe?target=prometheus.io&amp;module=http_2xx&amp;debug=true">Debug probe prometheus.io for http_2xx</a></p>
				<p><a href="metrics">Metrics</a></p>
				<p><a href="config">Configuration</a></p>
				<p><a href="-/healthy">Health</a></p>
				<h2>Modules</h2>
				<ul>
				""");
		modules.modules().forEach((name, module) -> html.append("<li>").append(escape(name)).append(" (")
			.append(escape(module.kind().name())).append(")")
			.append((module.unavailable() == null) ? "" : ": <strong>not probed</strong>, " + escape(module.unavailable()))
			.append("</li>\n"));
		html.append("</ul>\n<h2>Recent Probes</h2>\n<table border='1'><tr><th>Module</th><th>Target</th>"
				+ "<th>Result</th><th>Duration</th><th>Debug</th></tr>\n");
		for (ProbeHistory.Run run : this.history.list()) {
			html.append("<tr><td>").append(escape(run.module())).append("</td><td>").append(escape(run.target()))
				.append("</td><td>").append(run.success() ? "Success" : "<strong>Failure</strong>").append("</td><td>")
				.append(String.format(Locale.ROOT, "%.3f s", run.seconds())).append("</td><td><a href='logs?id=")
				.append(run.id()).append("'>Logs</a></td></tr>\n");
		}
		html.append("</table>\n</body>\n</html>\n");
		return new ExporterResponse(200, "text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * {@code /logs?id=N} or {@code /logs?target=T[&module=M]}: the debug output of that run (for a
	 * target, its newest), with blackbox_exporter's answers to a query that names neither, both, or
	 * a module without a target.
	 */
	ExporterResponse logs(Map<String, String> query) {
		long id = -1;
		String idText = query.get("id");
		boolean hasId = false;
		if (idText != null) {
			try {
				id = Long.parseLong(idText);
				hasId = true;
			}
			catch (NumberFormatException ex) {
				hasId = false;
			}
		}
		String target = query.getOrDefault("target", "");
		String module = query.getOrDefault("module", "");
		if (hasId && !target.isEmpty()) {
			return ExporterResponse.text(400, "Probe id and target can't be defined at the same time\n");
		}
		if (!hasId && target.isEmpty()) {
			return ExporterResponse.text(400, "Probe id or target must be defined as http query parameters\n");
		}
		if (target.isEmpty() && !module.isEmpty()) {
			return ExporterResponse.text(400, "Probe module filter only works in conjunction with target parameter\n");
		}
		ProbeHistory.Run run = hasId ? this.history.byId(id) : this.history.latest(target, module);
		if (run == null) {
			return ExporterResponse.text(404, (hasId ? "Probe id not found" : "Probe target not found")
					+ ": the history keeps the most recent probes and the older failures (asyncore.blackbox.history-limit)\n");
		}
		return ExporterResponse.text(200, run.debugOutput().get());
	}

	/** {@code /config}: the loaded modules as YAML, in file order, every secret as {@code <secret>}. */
	static ExporterResponse config(ModuleFile modules) {
		Map<String, Object> byName = new LinkedHashMap<>();
		modules.modules().forEach((name, module) -> byName.put(name, module.config()));
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		String yaml = new Yaml(new Representer(options), options).dump(Map.of("modules", byName));
		return ExporterResponse.text(200, yaml);
	}

	/** {@code text} safe inside HTML text and quoted attributes. */
	static String escape(String text) {
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '&' -> out.append("&amp;");
				case '"' -> out.append("&#34;");
				case '\'' -> out.append("&#39;");
				default -> out.append(c);
			}
		}
		return out.toString();
	}

	/** {@code text} on one log line: a caller's target cannot start a line of its own. */
	private static String printable(String text) {
		StringBuilder out = new StringBuilder(text.length());
		text.codePoints().forEach((c) -> {
			if (Character.isISOControl(c)) {
				out.append(String.format(Locale.ROOT, "\\x%02x", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out.toString();
	}

}
