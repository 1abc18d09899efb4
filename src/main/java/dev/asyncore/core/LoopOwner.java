package dev.asyncore.core;

/**
 * Which thread owns a reactor: the one inside its loop, or, while no loop runs, whoever sets it up
 * (as an asyncore program fills its map before calling {@code loop()}). Any thread may ask; the
 * field is volatile.
 */
final class LoopOwner {

	private volatile Thread thread;

	/** The calling thread starts looping; a second thread is refused. */
	void enter(Object reactor) {
		Thread current = Thread.currentThread();
		Thread owner = this.thread;
		if (owner != null && owner != current) {
			throw new IllegalStateException(reactor + " is already looping on " + owner.getName());
		}
		this.thread = current;
	}

	void exit() {
		this.thread = null;
	}

	/** The loop thread, or {@code null} while no loop runs. */
	Thread thread() {
		return this.thread;
	}

	boolean isLoopThread() {
		return Thread.currentThread() == this.thread;
	}

	/** Whether the caller may touch loop state: it is the loop thread, or no loop runs. */
	boolean isOwnedByCaller() {
		Thread owner = this.thread;
		return owner == null || owner == Thread.currentThread();
	}

	/** Fails, naming both threads, unless the caller may touch loop state. */
	void check(Object reactor) {
		Thread owner = this.thread;
		if (owner != null && owner != Thread.currentThread()) {
			throw new IllegalStateException("Called from " + Thread.currentThread().getName() + " while "
					+ owner.getName() + " runs the loop of " + reactor + "; use reactor.execute(...)");
		}
	}

}
