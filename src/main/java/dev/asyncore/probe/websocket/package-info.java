/**
 * The {@code websocket} prober (blackbox_exporter's, after 0.28): an HTTP/1.1 Upgrade to a websocket on
 * the reactor (ws:// or wss://), then the module's {@code query_response} over text messages.
 * <p>
 * Depends on the SPI, {@code probe.config}, {@code probe.tls}, {@code probe.target}, {@code chat},
 * {@code tls} and {@code http} (the policy and resolver); only the prober table ({@code probe.probers})
 * depends on it.
 */
package dev.asyncore.probe.websocket;
