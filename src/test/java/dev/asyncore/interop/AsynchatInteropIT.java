package dev.asyncore.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CPython's asynchat against our AsyncChat over TCP, both ways, each side pushing its lines right
 * after connect() — before the connection completes, as asynchat and dispatcher_with_send allow.
 */
@Timeout(60)
class AsynchatInteropIT {

	private static final int LINES = 500;

	@BeforeAll
	static void requirePythonAsynchat() throws Exception {
		Process process = new ProcessBuilder("python3", "-W", "ignore", "-c", "import asynchat").redirectErrorStream(true)
			.start();
		assumeTrue(process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0,
				"python3 with the asynchat module (Python <= 3.11) is required for the interop tests");
	}

	/** Our side of the line protocol: echoes each CRLF line, closes when done after QUIT. */
	static final class LineHandler extends AsyncChat {

		private final StringBuilder line = new StringBuilder();

		LineHandler(Reactor reactor, SocketChannel channel) {
			super(reactor, channel);
			setTerminator("\r\n".getBytes(StandardCharsets.US_ASCII));
		}

		@Override
		protected void collectIncomingData(ByteBuffer data) {
			this.line.append(StandardCharsets.US_ASCII.decode(data));
		}

		@Override
		protected void foundTerminator() {
			String text = this.line.toString();
			this.line.setLength(0);
			if (text.equals("QUIT")) {
				closeWhenDone();
			}
			else {
				push((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
			}
		}

	}

	/** Our client: pushes every line and QUIT from its constructor, right after connect(). */
	static final class LineClient extends AsyncChat {

		final List<String> lines = new CopyOnWriteArrayList<>();

		final CompletableFuture<List<String>> done = new CompletableFuture<>();

		private final StringBuilder line = new StringBuilder();

		LineClient(Reactor reactor, InetSocketAddress address, int count) throws IOException {
			super(reactor);
			setTerminator("\r\n".getBytes(StandardCharsets.US_ASCII));
			createSocket();
			connect(address);
			for (int i = 0; i < count; i++) {
				push(("line " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
			}
			push("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
		}

		@Override
		protected void handleConnect() {
		}

		@Override
		protected void collectIncomingData(ByteBuffer data) {
			this.line.append(StandardCharsets.US_ASCII.decode(data));
		}

		@Override
		protected void foundTerminator() {
			this.lines.add(this.line.toString());
			this.line.setLength(0);
		}

		@Override
		public void close() {
			super.close();
			this.done.complete(this.lines);
		}

	}

	@Test
	void whenPythonAsynchatPushesBeforeItsConnectCompletesThenOurAsyncChatEchoesEveryLine() throws Exception {
		try (ReactorThread loop = new ReactorThread("asynchat-interop-server")) {
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(),
					new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.Options.DEFAULTS, new ListenerStats("chat"),
					(reactor, channel, stats) -> new LineHandler(reactor, channel)));
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			Process client = new ProcessBuilder("python3", script(), "client", "127.0.0.1", String.valueOf(port),
					String.valueOf(LINES))
				.redirectErrorStream(true)
				.start();
			String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(output).isEqualTo("OK " + LINES);
			assertThat(client.exitValue()).isZero();
		}
	}

	@Test
	void whenOurAsyncChatPushesBeforeItsConnectCompletesThenPythonAsynchatAnswersEveryLine() throws Exception {
		Process server = new ProcessBuilder("python3", script(), "server").start();
		try (ReactorThread loop = new ReactorThread("asynchat-interop-client")) {
			BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
			String first = out.readLine();
			assertThat(first).startsWith("PORT ");
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(first.substring(5)));
			LineClient client = loop.call(() -> new LineClient(loop.reactor(), address, LINES));
			List<String> expected = IntStream.range(0, LINES).mapToObj((i) -> "LINE " + i).toList();
			assertThat(client.done.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
		}
		finally {
			server.getOutputStream().close();
			assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	private static String script() throws URISyntaxException {
		return Path.of(AsynchatInteropIT.class.getResource("/python/asynchat_line_peer.py").toURI()).toString();
	}

}
