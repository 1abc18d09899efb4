/**
 * The static probes of {@code asyncore.probes}: the http prober on a reactor timer, their gauges and the
 * {@code probes} endpoint.
 * <p>
 * Depends on {@code boot.config}, {@code boot.fetch} and {@code boot.reactor}.
 */
package dev.asyncore.boot.probes;
