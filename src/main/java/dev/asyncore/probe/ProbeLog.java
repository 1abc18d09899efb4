package dev.asyncore.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The log of one probe, shown by {@code debug=true}: logfmt lines in blackbox_exporter's shape
 * ({@code ts=... module=... target=... level=info msg="..." key=value}). Not thread-safe: written on
 * the loop thread by one probe.
 */
public final class ProbeLog {

	private final String module;

	private final String target;

	private final List<String> lines = new ArrayList<>();

	private final boolean enabled;

	/** The last error's message and values, kept even when lines are not: why a failed probe failed. */
	private String lastError;

	/** A log that keeps its lines. */
	public ProbeLog(String module, String target) {
		this(module, target, true);
	}

	/** @param enabled whether lines are kept; a probe without {@code debug=true} need not format them */
	public ProbeLog(String module, String target, boolean enabled) {
		this.module = module;
		this.target = target;
		this.enabled = enabled;
	}

	public void info(String message, Object... keyValues) {
		add("info", message, keyValues);
	}

	public void error(String message, Object... keyValues) {
		this.lastError = pairs(new StringBuilder(message), keyValues).toString();
		add("error", message, keyValues);
	}

	/**
	 * The message and values of the last {@link #error} so far, such as
	 * {@code Error dialing TCP err="connection refused"}; {@code null} if there was none. Kept when
	 * lines are not.
	 */
	public String lastError() {
		return this.lastError;
	}

	/** The module name this log's lines carry. */
	public String module() {
		return this.module;
	}

	/** The target this log's lines carry. */
	public String target() {
		return this.target;
	}

	private void add(String level, String message, Object... keyValues) {
		if (!this.enabled) {
			return;
		}
		StringBuilder line = new StringBuilder(160).append("ts=").append(Instant.now()).append(" caller=asyncore");
		pair(line, "module", this.module);
		pair(line, "target", this.target);
		pair(line, "level", level);
		pair(line, "msg", message);
		this.lines.add(pairs(line, keyValues).toString());
	}

	private static StringBuilder pairs(StringBuilder line, Object... keyValues) {
		for (int i = 0; i + 1 < keyValues.length; i += 2) {
			pair(line, String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
		}
		return line;
	}

	private static void pair(StringBuilder line, String key, String value) {
		line.append(' ').append(key).append('=');
		boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '=');
		if (quote) {
			line.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
		}
		else {
			line.append(value);
		}
	}

	/** The lines so far. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

}
