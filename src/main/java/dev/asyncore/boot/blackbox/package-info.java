/**
 * The blackbox_exporter drop-in: the module file loaded and reloaded, the prober table bound to each
 * {@code type: blackbox} listener's loop.
 * <p>
 * Depends on {@code boot.config}, {@code boot.listener} and the probe packages.
 */
package dev.asyncore.boot.blackbox;
