/**
 * The Spring Boot application: {@link dev.asyncore.boot.AsyncoreApplication} and its command-line entry.
 * Its sub-packages are features; {@code boot.config} is the {@code asyncore.*} contract that every feature
 * reads and that reads no feature.
 */
package dev.asyncore.boot;
