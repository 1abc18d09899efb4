/**
 * The prober SPI, as blackbox_exporter's {@code prober} package names it: a {@link dev.asyncore.probe.Prober}
 * runs one probe on the loop with its options and fills a {@link dev.asyncore.probe.ProbeReport}
 * ({@code probe_*} metrics in blackbox_exporter's text format) and a {@link dev.asyncore.probe.ProbeLog}
 * (the {@code debug=true} lines); {@link dev.asyncore.probe.ProberLookup} finds a module's prober.
 * <p>
 * Depends on the JDK only; every prober package and the exporter depend on it, it on none of them.
 */
package dev.asyncore.probe;
