/**
 * The command-line modes of the jar ({@code fetch}, {@code echo-client}, {@code hash-token},
 * {@code hash-password}): plain library code, no Spring context.
 * <p>
 * Depends on the library packages and {@code boot.security} (for the credential hashes).
 */
package dev.asyncore.boot.cli;
