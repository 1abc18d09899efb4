package dev.asyncore.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A real nginx (the system's, {@code /usr/sbin/nginx}) on loopback for HTTP/2 tests: one port with
 * TLS and {@code http2} (ALPN h2), one with TLS only (ALPN http/1.1), one with {@code http2} in
 * clear text (prior knowledge). Ports are picked by binding port 0 and closing it. Files are served
 * from {@link #root()}; {@code extraLocations} adds nginx location blocks.
 */
public final class Nginx implements AutoCloseable {

	private final Process process;

	private final Path root;

	private final int h2Port;

	private final int http1Port;

	private final int h2cPort;

	private final Path log;

	public Nginx(Path dir, Path keyStore, String extraLocations) throws IOException, GeneralSecurityException {
		this.root = Files.createDirectories(dir.resolve("www"));
		Files.createDirectories(dir.resolve("tmp"));
		Path cert = TestCertificates.writePem(keyStore, dir.resolve("cert.pem"));
		Path key = TestCertificates.writeKeyPem(keyStore, dir.resolve("key.pem"));
		this.h2Port = freePort();
		this.http1Port = freePort();
		this.h2cPort = freePort();
		this.log = dir.resolve("error.log");
		String tmp = dir.resolve("tmp").toString();
		String conf = """
				daemon off;
				master_process off;
				worker_processes 1;
				pid %1$s/nginx.pid;
				error_log %2$s info;
				events { worker_connections 64; }
				http {
				  access_log off;
				  client_body_temp_path %3$s; proxy_temp_path %3$s; fastcgi_temp_path %3$s;
				  uwsgi_temp_path %3$s; scgi_temp_path %3$s;
				  default_type application/octet-stream;
				  server {
				    listen 127.0.0.1:%4$d ssl http2;
				    listen 127.0.0.1:%5$d ssl;
				    listen 127.0.0.1:%6$d http2;
				    ssl_certificate %7$s;
				    ssl_certificate_key %8$s;
				    root %9$s;
				    location = /hello { default_type text/plain; return 200 "hello over $server_protocol"; }
				    location = /redirect { return 302 /hello; }
				    %10$s
				  }
				}
				""".formatted(dir, this.log, tmp, this.h2Port, this.http1Port, this.h2cPort, cert, key, this.root,
				extraLocations);
		Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
		this.process = new ProcessBuilder(List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", confFile.toString()))
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("stdout.log").toFile())
			.start();
		Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
						+ (Files.exists(this.log) ? Files.readString(this.log) : ""));
			}
			return accepts(this.h2Port) && accepts(this.http1Port) && accepts(this.h2cPort);
		});
	}

	/** Whether the system has nginx with the HTTP/2 module (tests are skipped by assumption otherwise). */
	public static boolean available() {
		return Files.isExecutable(Path.of("/usr/sbin/nginx"));
	}

	public Path root() {
		return this.root;
	}

	/** TLS, ALPN h2 and http/1.1. */
	public int h2Port() {
		return this.h2Port;
	}

	/** TLS, ALPN http/1.1 only. */
	public int http1Port() {
		return this.http1Port;
	}

	/** Clear-text HTTP/2 with prior knowledge. */
	public int h2cPort() {
		return this.h2cPort;
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
