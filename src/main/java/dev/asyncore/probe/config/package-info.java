/**
 * blackbox_exporter's module file ({@code config/} in its source): {@link dev.asyncore.probe.config.ModuleFile}
 * reads it strictly through {@link dev.asyncore.probe.config.YamlSection}, one parser per option that
 * several probers share (IP protocol, {@code tls_config}, {@code query_response}, durations, sizes), closed
 * sets as enums; each prober says how its own section is read through its
 * {@link dev.asyncore.probe.config.ProberKind}.
 * <p>
 * Depends on the JDK and SnakeYAML only; it imports no prober, not the SPI and not the exporter.
 */
package dev.asyncore.probe.config;
