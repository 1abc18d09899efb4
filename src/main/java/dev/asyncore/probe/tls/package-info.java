/**
 * TLS for the probers: the {@code tls_config} material loaded once
 * ({@link dev.asyncore.probe.tls.TlsMaterial}), the peer chain captured during the handshake and
 * reported as {@code probe_ssl_*} / {@code probe_tls_*} gauges.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code core}, {@code chat} and {@code tls}; the http, tcp and dns probers use it.
 */
package dev.asyncore.probe.tls;
