/**
 * The fetch service: {@code GET/POST /fetch} on the reactor's HTTP client, problem details per
 * failure kind ({@link dev.asyncore.boot.fetch.FetchOutcome}), its meters.
 * <p>
 * Depends on {@code boot.config}, {@code boot.reactor} and {@code boot.web}.
 */
package dev.asyncore.boot.fetch;
