/**
 * The {@code tcp} prober: connect, optional TLS, and the module's {@code query_response} dialogue
 * on an asynchat dispatcher.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.dialogue}, {@code probe.tls} and
 * {@code probe.target}; only the prober table depends on it.
 */
package dev.asyncore.probe.tcp;
