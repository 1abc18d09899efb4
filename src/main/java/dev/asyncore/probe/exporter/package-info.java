/**
 * blackbox_exporter's HTTP side ({@code main.go} in its source): {@code GET /probe} on an asynchat
 * listener, the request parsed strictly, one probe per request bounded in time and in number; and its
 * pages for operators ({@code OperatorPages}: the landing page, {@code /logs}, {@code /config}, over a
 * bounded {@code ProbeHistory}).
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code chat} and {@code core}; it knows no prober: the lookup
 * is handed in.
 */
package dev.asyncore.probe.exporter;
