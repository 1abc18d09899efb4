/**
 * The HTTP/1.1 and HTTPS client on the reactor: {@link dev.asyncore.http.Fetcher} turns a URL into a
 * future of a {@link dev.asyncore.http.FetchResult}, hop by hop, each hop checked by the
 * {@link dev.asyncore.http.FetchPolicy} (the guard against server-side request forgery) and bounded in
 * time and size; connections are asynchat dispatchers, pooled per route.
 * <p>
 * Depends on {@code core}, {@code chat} and {@code tls}; used by the probers and the service.
 */
package dev.asyncore.http;
