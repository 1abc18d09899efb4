/**
 * asynchat on the reactor: {@link dev.asyncore.chat.AsyncChat} cuts input at a
 * {@link dev.asyncore.chat.Terminator} (a delimiter, a byte count or none) and pulls output from
 * {@link dev.asyncore.chat.Producer}s; {@link dev.asyncore.chat.Framer} is the framing loop without a
 * socket, bounded by a maximum frame length.
 * <p>
 * Depends on {@code core} only; used by {@code http} and the probers.
 */
package dev.asyncore.chat;
