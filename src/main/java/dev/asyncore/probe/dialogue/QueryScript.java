package dev.asyncore.probe.dialogue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;

import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.QueryResponse;

/**
 * The walk through a {@code query_response} list that the tcp and udp probers share, as
 * blackbox_exporter orders each entry: {@code expect}, then {@code expect_bytes}, then
 * {@code send} (expanded from the {@code expect} match), then {@code starttls}. The transport asks
 * {@link #next()} what to do, does it, and feeds what arrived to {@link #line} or {@link #bytes};
 * this class keeps the match and sets {@code probe_failed_due_to_regex},
 * {@code probe_failed_due_to_bytes} and {@code probe_expect_info}. Loop thread only.
 */
public final class QueryScript {

	/** What the transport does next. */
	public sealed interface Action permits Expect, ExpectBytes, Send, StartTls, Done {
	}

	/** Wait for a line (a datagram over UDP) that {@link #line} accepts. */
	public record Expect(QueryResponse step) implements Action {
	}

	/** Wait for {@code count} bytes and hand them to {@link #bytes}. */
	public record ExpectBytes(int count) implements Action {
	}

	/** Send this text (the transport adds a new line over TCP). */
	public record Send(String text, byte[] bytes) implements Action {

		/** {@code text} sent as its UTF-8 bytes. */
		public Send(String text) {
			this(text, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}

		/** What goes on the wire: the text's UTF-8 bytes, or a {@code !!binary} value's own bytes. */
		@Override
		public byte[] bytes() {
			return this.bytes.clone();
		}
	}

	/** Start TLS now, after what was sent. */
	public record StartTls() implements Action {
	}

	/** Every entry passed. */
	public record Done() implements Action {
	}

	private static final String REGEX = "probe_failed_due_to_regex";

	private static final String BYTES = "probe_failed_due_to_bytes";

	private final List<QueryResponse> steps;

	private final ProbeReport report;

	private final ProbeLog log;

	private int step;

	/** 0: expect next; 1: expect_bytes next; 2: send next; 3: starttls next. */
	private int stage;

	private Matcher match;

	public QueryScript(List<QueryResponse> steps, ProbeReport report, ProbeLog log) {
		this.steps = steps;
		this.report = report;
		this.log = log;
	}

	/**
	 * Sets {@code probe_failed_due_to_regex} (and, if an entry has {@code expect_bytes},
	 * {@code probe_failed_due_to_bytes}) to 0: blackbox_exporter registers them first thing, so
	 * they are there whatever fails later.
	 */
	public static void registerGauges(List<QueryResponse> steps, ProbeReport report) {
		report.gauge(REGEX, "Indicates if probe failed due to regex", 0);
		if (steps.stream().anyMatch(s -> s.expectBytes() != null)) {
			report.gauge(BYTES, "Indicates if probe failed due to bytes", 0);
		}
	}

	/** The next thing to do; after an {@link Expect} or {@link ExpectBytes}, call it once the input was accepted. */
	public Action next() {
		while (this.step < this.steps.size()) {
			QueryResponse current = this.steps.get(this.step);
			switch (this.stage++) {
				case 0 -> {
					this.log.info("Processing query response entry", "entry_number", this.step);
					this.match = null;
					if (current.expect() != null) {
						return new Expect(current);
					}
				}
				case 1 -> {
					if (current.expectBytes() != null) {
						return new ExpectBytes(current.expectBytes().length);
					}
				}
				case 2 -> {
					if (current.sendBytes() != null) {
						this.log.info("Sending bytes", "bytes", java.util.HexFormat.of().formatHex(current.sendBytes()));
						return new Send(current.send(), current.sendBytes());
					}
					String send = (this.match != null) ? QueryResponse.expand(current.send(), this.match) : current.send();
					if (!send.isEmpty()) {
						this.log.info("Sending line", "line", send);
						return new Send(send);
					}
				}
				default -> {
					this.step++;
					this.stage = 0;
					if (current.startTls()) {
						return new StartTls();
					}
				}
			}
		}
		return new Done();
	}

	/**
	 * A line (without its line end) or datagram for the current {@link Expect}.
	 * @return whether it matched; if not, the transport waits for the next one
	 */
	public boolean line(byte[] input) {
		QueryResponse current = this.steps.get(this.step);
		String text = new String(input, StandardCharsets.UTF_8);
		Matcher m = current.expect().matcher(text);
		if (!m.find()) {
			this.log.info("Read line", "line", text);
			return false;
		}
		this.log.info("Regexp matched", "regexp", current.expect().pattern(), "line", text);
		this.match = m;
		this.report.gauge(REGEX, "Indicates if probe failed due to regex", 0);
		if (!current.labels().isEmpty()) {
			// Go's client sorts a sample's labels by name
			List<QueryResponse.Label> sorted = current.labels().stream()
				.sorted(Comparator.comparing(QueryResponse.Label::name))
				.toList();
			String[] pairs = new String[sorted.size() * 2];
			for (int i = 0; i < sorted.size(); i++) {
				pairs[2 * i] = sorted.get(i).name();
				pairs[2 * i + 1] = QueryResponse.expand(sorted.get(i).value(), m);
			}
			this.report.gauge("probe_expect_info", "Explicit content matched", 1, pairs);
		}
		return true;
	}

	/** The input ended (or a bound was hit) before a line matched the current {@link Expect}. */
	public void noMatch(String lastLine) {
		this.report.gauge(REGEX, "Indicates if probe failed due to regex", 1);
		this.log.error("Regexp did not match", "regexp", this.steps.get(this.step).expect().pattern(), "line", lastLine);
	}

	/** The length of the current {@code expect_bytes}. */
	public int expectedBytes() {
		return this.steps.get(this.step).expectBytes().length;
	}

	/** @return whether {@code input} (the count the {@link ExpectBytes} asked for) is what was expected */
	public boolean bytes(byte[] input) {
		byte[] expected = this.steps.get(this.step).expectBytes();
		boolean equal = Arrays.equals(expected, input);
		this.report.gauge(BYTES, "Indicates if probe failed due to bytes", equal ? 0 : 1);
		if (equal) {
			this.log.info("Bytes matched", "expected", Arrays.toString(expected));
		}
		else {
			this.log.error("Bytes did not match", "expected", Arrays.toString(expected), "bytes", Arrays.toString(input));
		}
		return equal;
	}

}
