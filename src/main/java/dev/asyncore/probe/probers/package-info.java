/**
 * The one table from prober name to prober ({@link dev.asyncore.probe.probers.Probers}): adding a
 * prober is one entry here plus its own package.
 * <p>
 * Depends on every prober package; only the service depends on it.
 */
package dev.asyncore.probe.probers;
