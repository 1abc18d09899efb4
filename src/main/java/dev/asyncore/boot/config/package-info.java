/**
 * The {@code asyncore.*} configuration contract: immutable, validated properties records, the strict
 * binding that names an unknown key's closest known key, and the failure analyzer.
 * <p>
 * A leaf: it depends on no other {@code boot} package; every feature depends on it.
 */
package dev.asyncore.boot.config;
