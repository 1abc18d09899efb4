/**
 * blackbox_exporter's {@code grpc} prober: the gRPC health checking protocol
 * ({@code grpc.health.v1.Health/Check}) over HTTP/2 ({@link dev.asyncore.http.h2.Http2Session}), in
 * clear text with prior knowledge or over TLS with ALPN {@code h2}, on the reactor.
 */
package dev.asyncore.probe.grpc;
