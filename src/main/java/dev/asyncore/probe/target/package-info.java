/**
 * The probe target: host and port split once, IP literals, the address family chosen by the module's
 * IP preference, and the allow-lists checked in one place.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code core}, {@code http} (the fetch policy and the resolver
 * interface) and dnsjava's wire format ({@link dev.asyncore.probe.target.DnsServer}); the probers use it.
 */
package dev.asyncore.probe.target;
