package dev.asyncore.core;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The reactor's timer heap. Loop thread only; {@link Reactor} routes other threads through its queue.
 *
 * <p>Cancelled entries are removed lazily when they reach the top, and swept in bulk when they
 * outnumber the live ones, so that many long timers cancelled early (idle timeouts of short
 * connections) cannot grow the heap without bound.
 */
final class Timers {

	private static final int SWEEP_THRESHOLD = 1024;

	private final PriorityQueue<Entry> heap = new PriorityQueue<>();

	private final Reactor reactor;

	private long sequence;

	private int cancelled;

	Timers(Reactor reactor) {
		this.reactor = reactor;
	}

	/**
	 * A timer not yet in the heap; any thread. It touches nothing of the heap: its tie-breaking
	 * sequence number is given by {@link #add} on the loop thread.
	 */
	Entry newEntry(long deadlineNanos, Runnable task) {
		return new Entry(this, deadlineNanos, task);
	}

	/** Puts {@code entry} in the heap unless it was cancelled meanwhile. Loop thread only. */
	void add(Entry entry) {
		if (!entry.isCancelled()) {
			entry.sequence = this.sequence++;
			this.heap.add(entry);
		}
	}

	/** Nanoseconds until the next live deadline, or {@code Long.MAX_VALUE} if there is none. */
	long nanosUntilNext(long now) {
		Entry head;
		while ((head = this.heap.peek()) != null && head.isCancelled()) {
			this.heap.poll();
			this.cancelled = Math.max(0, this.cancelled - 1);
		}
		return (head == null) ? Long.MAX_VALUE : Math.max(0, head.deadline - now);
	}

	/** Removes the next entry whose deadline has passed, or returns {@code null}. */
	Entry pollExpired(long now) {
		Entry head;
		while ((head = this.heap.peek()) != null) {
			if (head.isCancelled()) {
				this.heap.poll();
				this.cancelled = Math.max(0, this.cancelled - 1);
				continue;
			}
			if (head.deadline - now > 0) {
				return null;
			}
			return this.heap.poll();
		}
		return null;
	}

	/** Runs every entry whose deadline has passed, through {@code runner} (the guard). Loop thread. */
	void runExpired(Consumer<Runnable> runner) {
		if (this.heap.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		Entry entry;
		while ((entry = pollExpired(now)) != null) {
			Runnable task = entry.markRan();
			if (task != null) {
				runner.accept(task);
			}
		}
	}

	int size() {
		return this.heap.size();
	}

	private void onCancelled() {
		// Other threads leave the bookkeeping to the loop: the heap is not thread-safe.
		if (!this.reactor.inLoopThread()) {
			return;
		}
		if (++this.cancelled > SWEEP_THRESHOLD && this.cancelled > this.heap.size() / 2) {
			this.heap.removeIf(Entry::isCancelled);
			this.cancelled = 0;
		}
	}

	void clear() {
		this.heap.clear();
		this.cancelled = 0;
	}

	static final class Entry implements TimerHandle, Comparable<Entry> {

		private final Timers owner;

		final long deadline;

		/** Order among equal deadlines: order of {@link Timers#add}. */
		private long sequence;

		/** Dropped on cancel: a cancelled entry waiting in the heap must not keep its task's objects alive. */
		private Runnable task;

		private volatile int state; // 0 pending, 1 ran, 2 cancelled

		Entry(Timers owner, long deadline, Runnable task) {
			this.owner = owner;
			this.deadline = deadline;
			this.task = task;
		}

		@Override
		public boolean cancel() {
			synchronized (this) {
				if (this.state != 0) {
					return false;
				}
				this.state = 2;
				this.task = null;
			}
			this.owner.onCancelled();
			return true;
		}

		@Override
		public boolean isCancelled() {
			return this.state == 2;
		}

		/** Marks the entry as running and hands out its task; {@code null} if it was cancelled first. */
		Runnable markRan() {
			synchronized (this) {
				if (this.state != 0) {
					return null;
				}
				this.state = 1;
				Runnable run = this.task;
				this.task = null;
				return run;
			}
		}

		@Override
		public int compareTo(Entry o) {
			int c = Long.compare(this.deadline - o.deadline, 0);
			return (c != 0) ? c : Long.compare(this.sequence, o.sequence);
		}

	}

}
