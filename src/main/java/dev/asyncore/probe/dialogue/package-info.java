/**
 * The {@code query_response} dialogue shared by the stream and datagram probers: expect, send,
 * start TLS, step by step ({@code QueryScript}), and its stream connection ({@code QueryDialogue},
 * over TCP or AF_UNIX).
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.target} and {@code probe.tls}; the tcp, unix
 * and udp probers use it.
 */
package dev.asyncore.probe.dialogue;
