/**
 * The {@code query_response} dialogue shared by the stream and datagram probers: expect, send,
 * start TLS, step by step.
 * <p>
 * Depends on the SPI and {@code probe.config}; the tcp and udp probers use it.
 */
package dev.asyncore.probe.dialogue;
