/**
 * The {@code unix} prober of blackbox_exporter's newest release: connect to a Unix domain socket,
 * optional TLS, and the module's {@code query_response} dialogue, on the same asynchat dialogue as
 * the tcp prober.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.dialogue} and {@code probe.tls}; only the
 * prober table depends on it.
 */
package dev.asyncore.probe.unix;
