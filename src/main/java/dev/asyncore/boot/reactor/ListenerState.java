package dev.asyncore.boot.reactor;

/**
 * A listener as seen from the loop thread at one instant; safe to hand to other threads.
 *
 * @param name the listener name
 * @param type its listener type
 * @param protocol {@code tcp}, {@code udp} or {@code unix}
 * @param address the bound address ({@code host:port}, or a Unix-domain socket's path), or {@code null} if it never bound
 * @param bound whether its socket is open now
 * @param activeConnections its open connections
 */
public record ListenerState(String name, String type, String protocol, String address, boolean bound,
		long activeConnections) {
}
