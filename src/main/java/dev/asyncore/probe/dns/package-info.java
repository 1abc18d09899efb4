/**
 * The {@code dns} prober: one query over UDP, TCP or DNS over TLS, its answer checked against the
 * module's record checks. dnsjava encodes and decodes the messages; the I/O is the reactor's.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.tls}, {@code probe.target} and dnsjava's wire
 * format; only the prober table depends on it.
 */
package dev.asyncore.probe.dns;
