package dev.asyncore.probe.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.h2.H2Frames;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.H2TestServer;
import dev.asyncore.testsupport.TestCertificates;

/**
 * The grpc prober against grpc-java's own health service ({@link HealthStatusManager}) on loopback,
 * in clear text (prior knowledge) and over TLS with a private certificate, with metadata, against a
 * plain HTTP/2 server without the health service (in the JVM, Netty's codec-http2), and against a
 * peer that stalls mid-stream (the probe ends at its deadline).
 */
@Timeout(60)
class GrpcProberIT {

	@TempDir
	static Path dir;

	static Server plain;

	static Server tls;

	static String modules;

	static final AtomicReference<String> seenMetadata = new AtomicReference<>();

	private final ReactorThread loop = new ReactorThread("grpc-it");

	@BeforeAll
	static void servers() throws Exception {
		HealthStatusManager health = new HealthStatusManager();
		health.setStatus("", ServingStatus.SERVING);
		health.setStatus("up", ServingStatus.SERVING);
		health.setStatus("down", ServingStatus.NOT_SERVING);
		ServerInterceptor recordMetadata = new ServerInterceptor() {

			@Override
			public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
					ServerCallHandler<Q, R> next) {
				seenMetadata.set(headers.get(Metadata.Key.of("x-probe", Metadata.ASCII_STRING_MARSHALLER)));
				return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
				}, headers);
			}

		};
		plain = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(ServerInterceptors.intercept(health.getHealthService(), recordMetadata))
			.build()
			.start();
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		Path cert = TestCertificates.writePem(store, dir.resolve("cert.pem"));
		Path key = TestCertificates.writeKeyPem(store, dir.resolve("key.pem"));
		tls = NettyServerBuilder
			.forAddress(new InetSocketAddress("127.0.0.1", 0), TlsServerCredentials.create(cert.toFile(), key.toFile()))
			.addService(health.getHealthService())
			.build()
			.start();
		modules = """
				modules:
				  plain: {prober: grpc, timeout: 5s, grpc: {preferred_ip_protocol: ip4, metadata: {x-probe: [hello]}}}
				  up: {prober: grpc, timeout: 5s, grpc: {service: up, preferred_ip_protocol: ip4}}
				  down: {prober: grpc, timeout: 5s, grpc: {service: down, preferred_ip_protocol: ip4}}
				  missing: {prober: grpc, timeout: 5s, grpc: {service: nope, preferred_ip_protocol: ip4}}
				  tls: {prober: grpc, timeout: 5s, grpc: {tls: true, service: up, preferred_ip_protocol: ip4, tls_config: {ca_file: '%s'}}}
				  tls_untrusted: {prober: grpc, timeout: 5s, grpc: {tls: true, preferred_ip_protocol: ip4}}
				  short: {prober: grpc, timeout: 2s, grpc: {preferred_ip_protocol: ip4}}
				""".formatted(cert);
	}

	@AfterAll
	static void stopServers() throws InterruptedException {
		for (Server server : new Server[] { plain, tls }) {
			if (server != null) {
				server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
			}
		}
	}

	@AfterEach
	void closeLoop() throws InterruptedException {
		this.loop.close();
	}

	record Probe(boolean success, ProbeReport report, List<String> log, Duration took) {

		double metric(String name) {
			Double value = this.report.value(name);
			assertThat(value).as(name + " in\n" + this.report.render()).isNotNull();
			return value;
		}

	}

	private Probe probe(String module, String target) throws Exception {
		GrpcOptions options = ModuleFile.parse(modules, null, Probers.standard().kinds()).module(module)
			.options(GrpcOptions.KIND);
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		GrpcProber prober = new GrpcProber(this.loop.reactor(), InetAddress::getAllByName, java.util.concurrent.ForkJoinPool.commonPool(), policy,
				new ProbeMemory(16L << 20));
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog(module, target);
		long start = System.nanoTime();
		Duration timeout = ModuleFile.parse(modules, null, Probers.standard().kinds()).module(module).timeout();
		boolean success = this.loop.call(() -> prober.run(options, target, timeout, report, log,
				new CompletableFuture<Void>()))
			.get(30, TimeUnit.SECONDS);
		return new Probe(success, report, log.lines(), Duration.ofNanos(System.nanoTime() - start));
	}

	@Test
	void plainServingWithMetadata() throws Exception {
		Probe probe = probe("plain", "127.0.0.1:" + plain.getPort());

		assertThat(probe.success()).as(String.join("\n", probe.log())).isTrue();
		assertThat(probe.metric("probe_grpc_status_code")).isZero();
		assertThat(probe.metric("probe_grpc_ssl")).isZero();
		assertThat(probe.metric("probe_ssl_earliest_cert_expiry")).isZero(); // as blackbox_exporter 0.23
		assertThat(probe.report().render()).contains("probe_grpc_healthcheck_response{serving_status=\"SERVING\"} 1")
			.contains("probe_grpc_healthcheck_response{serving_status=\"NOT_SERVING\"} 0")
			.contains("probe_grpc_duration_seconds{phase=\"resolve\"}")
			.contains("probe_grpc_duration_seconds{phase=\"check\"}");
		assertThat(seenMetadata.get()).isEqualTo("hello");
	}

	@Test
	void aNamedServiceServingAndNotServing() throws Exception {
		Probe up = probe("up", "localhost:" + plain.getPort());
		Probe down = probe("down", "http://127.0.0.1:" + plain.getPort());

		assertThat(up.success()).as(String.join("\n", up.log())).isTrue();
		assertThat(down.success()).isFalse();
		assertThat(down.metric("probe_grpc_status_code")).isZero();
		assertThat(down.report().render()).contains("probe_grpc_healthcheck_response{serving_status=\"NOT_SERVING\"} 1")
			.contains("probe_grpc_healthcheck_response{serving_status=\"SERVING\"} 0");
	}

	@Test
	void anUnknownServiceIsNotFound() throws Exception {
		Probe probe = probe("missing", "127.0.0.1:" + plain.getPort());

		assertThat(probe.success()).isFalse();
		assertThat(probe.metric("probe_grpc_status_code")).isEqualTo(5.0);
		assertThat(String.join("\n", probe.log())).contains("NotFound");
	}

	@Test
	void tlsWithAPrivateCa() throws Exception {
		Probe probe = probe("tls", "localhost:" + tls.getPort());

		assertThat(probe.success()).as(String.join("\n", probe.log())).isTrue();
		assertThat(probe.metric("probe_grpc_ssl")).isEqualTo(1.0);
		assertThat(probe.metric("probe_ssl_earliest_cert_expiry")).isPositive();
		assertThat(probe.report().render()).contains("probe_tls_version_info{version=\"TLS 1.3\"} 1");
	}

	@Test
	void anUntrustedCertificateOrPlainTextToATlsServerIsUnavailable() throws Exception {
		Probe untrusted = probe("tls_untrusted", "localhost:" + tls.getPort());
		Probe plainToTls = probe("up", "127.0.0.1:" + tls.getPort());

		assertThat(untrusted.success()).isFalse();
		assertThat(untrusted.metric("probe_grpc_status_code")).isEqualTo(14.0);
		assertThat(untrusted.metric("probe_grpc_ssl")).isZero();
		assertThat(plainToTls.success()).isFalse();
		assertThat(plainToTls.metric("probe_grpc_status_code")).isEqualTo(14.0);
	}

	@Test
	void aRealHttp2ServerWithoutTheHealthServiceIsUnimplemented() throws Exception {
		Path store = TestCertificates.generate(dir, "h2", "dns:localhost");
		try (H2TestServer server = new H2TestServer(store)) {
			// a plain HTTP/2 server's clear-text port with prior knowledge (Netty's codec-http2, as nginx's
			// http2 port did): the path is not found, HTTP 404 is UNIMPLEMENTED
			Probe probe = probe("plain", "127.0.0.1:" + server.h2cPort());

			assertThat(probe.success()).isFalse();
			assertThat(probe.metric("probe_grpc_status_code")).isEqualTo(12.0);
			assertThat(String.join("\n", probe.log())).contains("unexpected HTTP status code received from server: 404");
		}
	}

	@Test
	void aPeerThatStallsMidStreamEndsAtTheDeadline() throws Exception {
		CountDownLatch answered = new CountDownLatch(1);
		try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread peer = new Thread(() -> {
				try (Socket socket = stalling.accept()) {
					DataInputStream in = new DataInputStream(socket.getInputStream());
					in.readFully(new byte[H2Frames.PREFACE.length]);
					OutputStream out = socket.getOutputStream();
					out.write(H2Frames.settings());
					out.write(H2Frames.headers(0, 1, ":status", "200", "content-type", "application/grpc"));
					out.write(H2Frames.frame(H2Frames.DATA, 0, 1, new byte[] { 0, 0, 0, 0, 2 })); // half a message
					out.flush();
					answered.countDown();
					while (in.read() >= 0) {
						// hold the connection open, answering nothing more
					}
				}
				catch (IOException ex) {
					// the probe closed the connection
				}
			}, "stalling-grpc");
			peer.setDaemon(true);
			peer.start();

			Probe probe = probe("short", "127.0.0.1:" + stalling.getLocalPort());

			assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(probe.success()).isFalse();
			assertThat(probe.metric("probe_grpc_status_code")).isEqualTo(4.0);
			assertThat(String.join("\n", probe.log())).contains("deadline exceeded").contains("reading the response");
			assertThat(probe.took()).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
			peer.join(5000);
		}
	}

}
