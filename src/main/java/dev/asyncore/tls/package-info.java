/**
 * TLS under a dispatcher's {@code send}/{@code recv}, on tls-channel's SSLEngine wrapper:
 * {@link dev.asyncore.tls.TlsTransport} for clients and accepted connections,
 * {@link dev.asyncore.tls.TlsServerContext} for listeners.
 * <p>
 * Depends on {@code core} only; used by {@code http}, the probers and the service's listeners.
 */
package dev.asyncore.tls;
