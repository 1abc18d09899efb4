/**
 * The reactor: asyncore's socket map, {@code loop()} and {@code dispatcher}, on {@code java.nio}.
 * {@link dev.asyncore.core.Reactor} owns the map, the selector, timers and the task queue;
 * {@link dev.asyncore.core.Dispatcher} wraps one channel and is driven through its {@code handle*}
 * hooks; {@link dev.asyncore.core.BufferedDispatcher} is {@code dispatcher_with_send}. Disconnects are
 * classified in one place, every output queue is bounded, and one loop thread owns everything here.
 * <p>
 * Depends on the JDK and SLF4J only; every other package of the project may depend on it.
 */
package dev.asyncore.core;
