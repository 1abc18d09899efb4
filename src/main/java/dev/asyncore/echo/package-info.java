/**
 * The seed's services on the reactor: TCP echo ({@link dev.asyncore.echo.EchoServer},
 * {@link dev.asyncore.echo.EchoHandler}, {@link dev.asyncore.echo.EchoClient}), discard (RFC 863) and
 * their UDP forms.
 * <p>
 * Depends on {@code core} only; the service's listener types and the examples use it.
 */
package dev.asyncore.echo;
