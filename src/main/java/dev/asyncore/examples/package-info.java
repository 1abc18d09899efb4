/**
 * The seed article's example programs ({@code java -jar app.jar example NAME}), written against the
 * library only, as a reader of the article would write them.
 * <p>
 * Depends on the library packages ({@code core}, {@code echo}, {@code file}); nothing depends on it.
 */
package dev.asyncore.examples;
