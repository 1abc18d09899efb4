package dev.asyncore.probe.grpc;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;

import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * grpc-java's health service on two loopback ports, clear text and TLS, for the end-to-end script
 * that probes it with blackbox_exporter and with us ({@code src/test/e2e/blackbox-grpc-e2e.sh}; the
 * probe benchmark's {@code grpc} row serves the same in its own JVM through {@link #plain}):
 * the server as a whole and {@code up} are SERVING, {@code down} is NOT_SERVING. Prints
 * {@code plain=PORT tls=PORT} once both listen, then serves until standard input closes.
 */
public final class GrpcHealthServer {

	private GrpcHealthServer() {
	}

	/** @param args the server certificate (PEM) and its key (PKCS#8 PEM) */
	public static void main(String[] args) throws IOException, InterruptedException {
		HealthStatusManager health = health();
		Server plain = plain(health);
		Server tls = NettyServerBuilder
			.forAddress(new InetSocketAddress("127.0.0.1", 0),
					TlsServerCredentials.create(new File(args[0]), new File(args[1])))
			.addService(health.getHealthService())
			.build()
			.start();
		System.out.println("plain=" + plain.getPort() + " tls=" + tls.getPort());
		System.out.flush();
		while (System.in.read() >= 0) {
			// serve until the script closes our input (or ends us)
		}
		plain.shutdownNow();
		tls.shutdownNow();
	}

	/** The statuses every peer serves: the server as a whole and {@code up} SERVING, {@code down} NOT_SERVING. */
	public static HealthStatusManager health() {
		HealthStatusManager health = new HealthStatusManager();
		health.setStatus("", ServingStatus.SERVING);
		health.setStatus("up", ServingStatus.SERVING);
		health.setStatus("down", ServingStatus.NOT_SERVING);
		return health;
	}

	/** {@code health}'s service in clear text (h2c) on a loopback port picked by the system (port 0). */
	public static Server plain(HealthStatusManager health) throws IOException {
		return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(health.getHealthService())
			.build()
			.start();
	}

}
