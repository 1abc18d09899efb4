/**
 * Listeners declared in {@code asyncore.listeners}: their types ({@code echo}, {@code discard}, any
 * {@link dev.asyncore.boot.listener.DispatcherFactory} bean), TLS from Spring Boot SSL bundles, the registry.
 * <p>
 * Depends on {@code boot.config} and the library packages.
 */
package dev.asyncore.boot.listener;
