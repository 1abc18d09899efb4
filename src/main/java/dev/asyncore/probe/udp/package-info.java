/**
 * The {@code udp} prober: a datagram dialogue ({@code query_response}) on a datagram dispatcher.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.dialogue} and {@code probe.target}; only the
 * prober table depends on it.
 */
package dev.asyncore.probe.udp;
