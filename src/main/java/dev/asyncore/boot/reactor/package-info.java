/**
 * The reactor feature: {@link dev.asyncore.boot.reactor.ReactorLifecycle} runs the loop on its own thread
 * and drains it on stop; its health indicator, {@code reactor} endpoint and Micrometer binder.
 * <p>
 * Depends on {@code boot.config} and {@code boot.listener}.
 */
package dev.asyncore.boot.reactor;
