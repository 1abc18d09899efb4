/**
 * The {@code http} prober: one probe is a fetch on the reactor's HTTP client, judged against the
 * module's {@code fail_if_*} and {@code valid_*} options ({@link dev.asyncore.probe.http.HttpJudge}) and
 * reported as {@code probe_http_*} and TLS metrics.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.tls}, {@code probe.target} and {@code http};
 * only the prober table ({@code probe.probers}) and the service depend on it.
 */
package dev.asyncore.probe.http;
