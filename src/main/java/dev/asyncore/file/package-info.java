/**
 * asyncore's {@code file_dispatcher}: a file or pipe driven by the same loop as the sockets, one
 * chunk per pass (a {@code FileChannel} is not selectable, so the loop treats it as always ready).
 * <p>
 * Depends on {@code core} only.
 */
package dev.asyncore.file;
