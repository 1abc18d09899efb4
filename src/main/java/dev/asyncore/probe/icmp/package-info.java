/**
 * The {@code icmp} prober: echo requests over an unprivileged datagram ping socket or a raw socket,
 * opened through the Foreign Function &amp; Memory API ({@code Libc}, {@code IcmpSocket}), received by
 * one poller thread ({@code IcmpPoller}) that hands replies to the probe's loop.
 * <p>
 * Depends on the SPI, {@code probe.config} and {@code probe.target}; only the prober table depends on it.
 */
package dev.asyncore.probe.icmp;
