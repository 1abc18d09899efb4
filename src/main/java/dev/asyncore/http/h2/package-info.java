/**
 * HTTP/2 (RFC 9113) for the client, with no socket: {@link dev.asyncore.http.h2.Http2Session} frames one
 * request and its response over a connection that an asynchat dispatcher drives (the HTTPS client
 * after ALPN chose {@code h2}, the gRPC prober over TLS or prior knowledge). HPACK is
 * {@code com.twitter.hpack}'s.
 * <p>
 * Depends on {@code chat} (for its terminators) only.
 */
package dev.asyncore.http.h2;
