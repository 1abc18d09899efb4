package dev.asyncore.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel alone charges a process for one fresh TCP connection to the same nginx, the
 * floor under any exporter's CPU per probe: python3 workers (as many as {@link #WORKERS}) each
 * open, use and close connections in a loop, and only their <em>system</em> CPU is counted (the
 * interpreter's user time is not part of the floor). On loopback the kernel runs the peer's side
 * of the handshake and of every segment in the sender's context, so that work is charged to the
 * prober, whatever it is written in.
 */
final class KernelFloor {

	static final int WORKERS = 4;

	private static final String SCRIPT = """
			import os, socket, sys
			host, port, path, count, workers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
			request = None if path == '-' else ('GET %s HTTP/1.1\\r\\nHost: %s:%d\\r\\nConnection: close\\r\\n\\r\\n' % (path, host, port)).encode()
			pids = []
			for w in range(workers):
			    pid = os.fork()
			    if pid == 0:
			        for i in range(count // workers):
			            s = socket.create_connection((host, port))
			            if request is not None:
			                s.sendall(request)
			                while s.recv(65536):
			                    pass
			            s.close()
			        os._exit(0)
			    pids.append(pid)
			for pid in pids:
			    os.waitpid(pid, 0)
			t = os.times()
			print('%.3f' % (t.children_system * 1e6 / (count // workers * workers)))
			""";

	private KernelFloor() {
	}

	static boolean available() {
		return Files.isExecutable(Path.of("/usr/bin/python3"));
	}

	/**
	 * @param url where to connect; its path is fetched (then read to the server's close), or, with
	 * {@code fetch} false, the connection is only opened and closed
	 * @return system CPU microseconds per connection
	 */
	static double systemMicrosPerConnection(URI url, boolean fetch, int connections)
			throws IOException, InterruptedException {
		Path script = Files.createTempFile("kernel-floor", ".py");
		try {
			Files.writeString(script, SCRIPT);
			Process process = new ProcessBuilder(List.of("python3", script.toString(), url.getHost(),
					String.valueOf(url.getPort()), fetch ? url.getRawPath() : "-", String.valueOf(connections),
					String.valueOf(WORKERS)))
				.redirectErrorStream(true)
				.start();
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("kernel floor loop did not finish in 5 minutes");
			}
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.exitValue() != 0) {
				throw new IllegalStateException("kernel floor loop failed: " + out);
			}
			double micros = Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1));
			System.out.printf(Locale.ROOT, "kernel floor %-5s %8.1f us system CPU per connection (python3, %d workers)%n",
					fetch ? "http" : "tcp", micros, WORKERS);
			return micros;
		}
		finally {
			Files.deleteIfExists(script);
		}
	}

}
