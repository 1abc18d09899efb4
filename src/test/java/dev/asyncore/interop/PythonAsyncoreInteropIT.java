package dev.asyncore.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.echo.EchoClient;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.support.Bytes;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with a peer we did not write: CPython's own asyncore (3.11 still ships it) as a
 * client of our EchoServer, and our EchoClient against a python3 asyncore echo server.
 */
@Timeout(60)
class PythonAsyncoreInteropIT {

	@BeforeAll
	static void requirePythonAsyncore() throws Exception {
		assumeTrue(pythonHasAsyncore(),
				"python3 with the asyncore module (Python <= 3.11) is required for the interop tests");
	}

	private static boolean pythonHasAsyncore() {
		try {
			Process process = new ProcessBuilder("python3", "-W", "ignore", "-c", "import asyncore")
				.redirectErrorStream(true)
				.start();
			return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (Exception ex) {
			return false;
		}
	}

	@Test
	void whenPythonAsyncoreClientEchoesThroughOurServerThenItGetsItsBytesBack() throws Exception {
		try (ReactorThread loop = new ReactorThread("interop-server")) {
			EchoServer server = loop.call(() -> new EchoServer(loop.reactor(), new InetSocketAddress("127.0.0.1", 0)));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			for (int size : new int[] { 1, 5000, 3 * 1024 * 1024 }) {
				Process client = new ProcessBuilder("python3", script("asyncore_echo_client.py"), "127.0.0.1",
						String.valueOf(port), String.valueOf(size))
					.redirectErrorStream(true)
					.start();
				String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
				assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
				assertThat(output).isEqualTo("OK " + size);
				assertThat(client.exitValue()).isZero();
			}
		}
	}

	@Test
	void whenOurEchoClientTalksToAPythonAsyncoreServerThenItGetsItsBytesBack() throws Exception {
		Process server = new ProcessBuilder("python3", script("asyncore_echo_server.py")).start();
		try (ReactorThread loop = new ReactorThread("interop-client")) {
			BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
			String first = lines.readLine();
			assertThat(first).startsWith("PORT ");
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(first.substring(5)));
			byte[] message = Bytes.random(new Random(11), 2 * 1024 * 1024);
			EchoClient client = loop.call(() -> new EchoClient(loop.reactor(), address, message, 16 * 1024));
			assertThat(client.result().get(30, TimeUnit.SECONDS)).isEqualTo(message);
		}
		finally {
			server.getOutputStream().close(); // the script stops when its stdin closes
			if (!server.waitFor(10, TimeUnit.SECONDS)) {
				server.destroyForcibly();
			}
		}
	}

	private static String script(String name) throws URISyntaxException {
		return Path.of(PythonAsyncoreInteropIT.class.getResource("/python/" + name).toURI()).toString();
	}

}
