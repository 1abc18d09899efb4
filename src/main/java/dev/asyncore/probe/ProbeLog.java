package dev.asyncore.probe;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
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
		StringBuilder line = new StringBuilder(256).append("ts=");
		timestamp(line, Instant.now());
		line.append(" caller=asyncore");
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
		if (!needsQuotes(value)) {
			line.append(value);
			return;
		}
		line.append('"');
		ProbeReport.escape(line, value); // the same three escapes as a label value's
		line.append('"');
	}

	private static boolean needsQuotes(String value) {
		if (value.isEmpty()) {
			return true;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c == '"' || c == '=') {
				return true;
			}
		}
		return false;
	}

	/**
	 * {@code instant} as blackbox_exporter's log writes it, UTC to the millisecond
	 * ({@code 2006-01-02T15:04:05.000Z}). The date and time of the second are made once a second.
	 */
	static void timestamp(StringBuilder line, Instant instant) {
		Second second = lastSecond;
		if (second.epochSecond != instant.getEpochSecond()) {
			second = new Second(instant.getEpochSecond());
			lastSecond = second;
		}
		int millis = instant.getNano() / 1_000_000;
		line.append(second.text).append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
			.append((char) ('0' + millis % 10)).append('Z');
	}

	/** The last second a line was written in, shared by every log: immutable, so a race only makes it twice. */
	private static Second lastSecond = new Second(0);

	/** {@code yyyy-MM-ddTHH:mm:ss.} of one second since the epoch. */
	private record Second(long epochSecond, String text) {

		Second(long epochSecond) {
			this(epochSecond, format(epochSecond));
		}

		private static String format(long epochSecond) {
			LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
			return String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.", time.getYear(),
					time.getMonthValue(), time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond());
		}

	}

	/** The lines so far: a read-only view, which a later line would extend. */
	public List<String> lines() {
		return Collections.unmodifiableList(this.lines);
	}

}
