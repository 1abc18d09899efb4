package dev.asyncore.probe.exporter;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The recent probes behind the landing page and {@code /logs}: blackbox_exporter's
 * {@code ResultHistory}. The last {@code limit} probes are kept; a failed one that drops out of
 * them moves to a second ring of at most {@code limit} failures, so the debug output of a recent
 * failure stays readable while successes pass by. Each run's debug output is capped at
 * {@link #MAX_LOG_CHARS}, so the history holds at most {@code 2 × limit} runs of bounded size.
 *
 * <p>Thread-safe: probes finish on any loop and pages are read on another. Every method holds one
 * lock for a few field updates ({@link #add} is O(1); the look-ups walk at most {@code 2 × limit}
 * entries); the debug output is built by the reader, outside the lock.
 */
public final class ProbeHistory {

	/** The most characters of one run's debug output that are kept; the rest is cut with a note. */
	public static final int MAX_LOG_CHARS = 64 * 1024;

	private final int limit;

	private final ArrayDeque<Run> recent = new ArrayDeque<>();

	private final ArrayDeque<Run> failures = new ArrayDeque<>();

	private long nextId;

	/** @param limit how many recent runs are kept, and how many failures beyond them; 0 keeps none */
	public ProbeHistory(int limit) {
		if (limit < 0) {
			throw new IllegalArgumentException("the history limit must not be negative, was " + limit);
		}
		this.limit = limit;
	}

	/**
	 * One finished probe.
	 *
	 * @param id its number, counted from 0 in the order probes finished
	 * @param module the module's name
	 * @param target the target as asked
	 * @param success whether it succeeded
	 * @param seconds how long it took
	 * @param finished when it ended
	 * @param debugOutput what {@code debug=true} would have shown for it (secrets masked), at most
	 * {@link #MAX_LOG_CHARS} characters; finished on first read
	 */
	public record Run(long id, String module, String target, boolean success, double seconds, Instant finished,
			Supplier<String> debugOutput) {
	}

	/** Whether anything is kept: a limit of 0 keeps no run, and no probe need keep its log for it. */
	public boolean keeps() {
		return this.limit > 0;
	}

	/**
	 * Adds a finished probe; the oldest recent run leaves (a failure into the failures ring, whose
	 * oldest then leaves). Any thread.
	 * @param debugOutput finishes the run's debug output when a page asks for it; called at most once.
	 * What it holds until then must be bounded: the caller {@linkplain #cap caps} what varies per probe
	 * @return the run's id
	 */
	public long add(String module, String target, boolean success, double seconds, Supplier<String> debugOutput) {
		Supplier<String> capped = capped(debugOutput);
		synchronized (this) {
			long id = this.nextId++;
			if (this.limit == 0) {
				return id;
			}
			this.recent.addLast(new Run(id, module, target, success, seconds, Instant.now(), capped));
			if (this.recent.size() > this.limit) {
				Run old = this.recent.removeFirst();
				if (!old.success()) {
					this.failures.addLast(old);
					if (this.failures.size() > this.limit) {
						this.failures.removeFirst();
					}
				}
			}
			return id;
		}
	}

	/** Every run kept, newest first: the recent ones, then the older failures. */
	public synchronized List<Run> list() {
		List<Run> all = new ArrayList<>(this.recent.size() + this.failures.size());
		this.recent.descendingIterator().forEachRemaining(all::add);
		this.failures.descendingIterator().forEachRemaining(all::add);
		return all;
	}

	/** The run with {@code id}, or {@code null} if it was never kept or has left. */
	public synchronized Run byId(long id) {
		for (Run run : this.recent) {
			if (run.id() == id) {
				return run;
			}
		}
		for (Run run : this.failures) {
			if (run.id() == id) {
				return run;
			}
		}
		return null;
	}

	/**
	 * The newest run of {@code target}, of {@code module} unless that is {@code null} or empty; or
	 * {@code null}.
	 */
	public synchronized Run latest(String target, String module) {
		Run found = newest(this.recent.descendingIterator(), target, module);
		return (found != null) ? found : newest(this.failures.descendingIterator(), target, module);
	}

	private static Run newest(Iterator<Run> newestFirst, String target, String module) {
		while (newestFirst.hasNext()) {
			Run run = newestFirst.next();
			if (run.target().equals(target) && (module == null || module.isEmpty() || run.module().equals(module))) {
				return run;
			}
		}
		return null;
	}

	/** {@code output}, computed once and {@linkplain #cap cut}. */
	private static Supplier<String> capped(Supplier<String> output) {
		return new Supplier<>() {

			private String text;

			@Override
			public synchronized String get() {
				if (this.text == null) {
					this.text = cap(output.get());
				}
				return this.text;
			}

		};
	}

	/** {@code text} cut at {@link #MAX_LOG_CHARS} characters, with a note saying how many were cut. */
	public static String cap(String text) {
		if (text.length() <= MAX_LOG_CHARS) {
			return text;
		}
		return text.substring(0, MAX_LOG_CHARS) + "\n[truncated: " + (text.length() - MAX_LOG_CHARS)
				+ " more characters not kept]\n";
	}

}
