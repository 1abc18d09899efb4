package dev.asyncore.core;

/**
 * A task scheduled on a {@link Reactor} with {@link Reactor#schedule(java.time.Duration, Runnable)}.
 *
 * <p>May be cancelled from any thread. A cancelled task never runs; cancelling one that already
 * ran, or cancelling twice, does nothing.
 */
public interface TimerHandle {

	/**
	 * Prevents the task from running if it has not started yet.
	 * @return {@code true} if this call cancelled it, {@code false} if it ran or was cancelled before
	 */
	boolean cancel();

	/**
	 * @return whether {@link #cancel()} took effect
	 */
	boolean isCancelled();

}
