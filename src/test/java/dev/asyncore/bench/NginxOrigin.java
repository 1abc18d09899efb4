package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx on a loopback port serving a 1 KiB page and a 1 MiB file: the origin of the fetch
 * benchmarks, in its own process so that it neither shares the client's JVM nor its CPU figures.
 */
final class NginxOrigin implements AutoCloseable {

	static final Path BINARY = Path.of("/usr/sbin/nginx");

	/**
	 * Two workers, so that the origin is not held to one core: with one, nginx ran at 90-99 % of a core
	 * and both clients measured nginx rather than themselves. The client and nginx share the machine's
	 * CPU, so a client that spends less per request leaves more for the origin.
	 */
	private static final int WORKERS = 2;

	private final Path dir;

	private final Process process;

	private final int port;

	final byte[] small = random(1024, 1);

	final byte[] large = random(1024 * 1024, 2);

	static boolean available() {
		return Files.isExecutable(BINARY);
	}

	NginxOrigin() throws IOException, InterruptedException {
		this.dir = Files.createTempDirectory("asyncore-bench-nginx");
		Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path www = Files.createDirectories(this.dir.resolve("www"));
		Files.write(www.resolve("small.bin"), this.small);
		Files.write(www.resolve("large.bin"), this.large);
		try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			this.port = probe.getLocalPort();
		}
		String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
		Path conf = this.dir.resolve("nginx.conf");
		Files.writeString(conf, user + """
				worker_processes %3$d;
				daemon off;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log warn;
				events { worker_connections 4096; }
				http {
				  access_log off;
				  sendfile on;
				  tcp_nodelay on;
				  keepalive_requests 10000000;
				  keepalive_timeout 120s;
				  client_body_temp_path %1$s/tmp;
				  proxy_temp_path %1$s/tmp;
				  fastcgi_temp_path %1$s/tmp;
				  uwsgi_temp_path %1$s/tmp;
				  scgi_temp_path %1$s/tmp;
				  server {
				    listen 127.0.0.1:%2$d;
				    root %1$s/www;
				  }
				}
				""".formatted(this.dir, this.port, WORKERS));
		Files.createDirectories(this.dir.resolve("tmp"));
		this.process = new ProcessBuilder(BINARY.toString(), "-p", this.dir.toString(), "-c", conf.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("stdout.log").toFile())
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!accepts()) {
			if (!this.process.isAlive() || System.nanoTime() > deadline) {
				throw new IOException("nginx did not start: " + Files.readString(this.dir.resolve("stdout.log"))
						+ readIfExists(this.dir.resolve("error.log")));
			}
			Thread.sleep(20); // polling another process's port: there is nothing to latch on
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	URI uri(String file) {
		return URI.create("http://127.0.0.1:" + this.port + "/" + file);
	}

	/** CPU time nginx's processes used so far, in nanoseconds (from /proc). */
	long cpuNanos() {
		return this.process.descendants()
			.mapToLong(NginxOrigin::cpuNanos)
			.sum() + cpuNanos(this.process.toHandle());
	}

	static long cpuNanos(ProcessHandle handle) {
		try {
			String[] stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat")).split(" ");
			long ticks = Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
			return ticks * 10_000_000L; // USER_HZ is 100 on Linux
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static String readIfExists(Path path) throws IOException {
		return Files.exists(path) ? Files.readString(path) : "";
	}

	private static byte[] random(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.process.descendants().forEach(ProcessHandle::destroy);
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
