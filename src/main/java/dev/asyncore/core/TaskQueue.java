package dev.asyncore.core;

import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The hand-off from other threads to a reactor's loop: a lock-free task queue and the selector
 * wakeup, sent at most once per pass and never by the loop thread itself (as Netty and Jetty do).
 */
final class TaskQueue {

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final Selector selector;

	TaskQueue(Selector selector) {
		this.selector = selector;
	}

	/** Queues {@code task}; wakes the selector unless the loop thread itself is adding. */
	void add(Runnable task, boolean fromLoopThread) {
		this.tasks.add(task);
		wakeUp(fromLoopThread);
	}

	/** Wakes a selector blocked in this pass, once; the loop thread never needs to. */
	void wakeUp(boolean fromLoopThread) {
		if (!fromLoopThread && this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	/** A pass begins: the next hand-off must wake the selector again. Loop thread. */
	void newPass() {
		this.wakeupPending.set(false);
	}

	boolean isEmpty() {
		return this.tasks.isEmpty();
	}

	/** Runs the tasks queued before this call: a task that queues another cannot starve I/O. Loop thread. */
	void runQueued(Consumer<Runnable> runner) {
		for (int n = this.tasks.size(); n > 0; n--) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				break;
			}
			runner.accept(task);
		}
	}

	void clear() {
		this.tasks.clear();
	}

}
