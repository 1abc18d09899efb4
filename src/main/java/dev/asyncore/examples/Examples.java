package dev.asyncore.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoClient;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.EchoServer;
import dev.asyncore.file.FileDispatcher;

/**
 * The five example programs, run from the jar with {@code example NAME ARGS...}: the seed's
 * {@code http-client URL...}, {@code echo [MESSAGE]}, {@code loop [URL...]} and
 * {@code file PATH [CHUNK]}, and {@code send-file PATH} ({@link SendFileExample}). Each builds a map,
 * runs the loop and returns an exit code; {@code example} alone lists them.
 */
public final class Examples {

	private static final Logger logger = LoggerFactory.getLogger(Examples.class);

	static final String USAGE = """
			usage: example http-client URL [URL...]   download pages with the seed's HTTP/1.0 client
			       example echo [MESSAGE]             echo server and echo client in one map
			       example loop [URL...]              step a client with loop(timeout, 1) from an outer loop
			       example file PATH [CHUNK]          read a file in chunks on the loop
			       example send-file PATH             serve a file with sendFile to a client in the same map""";

	private Examples() {
	}

	/**
	 * Runs the example named by {@code args[0]}, or lists them all on {@code out} when there is none.
	 * @return the process exit code: 0 on success (or the list), 1 when the example failed, 2 on bad usage
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0) { // asked for the list: it goes to stdout and is no error
			out.println(USAGE);
			return 0;
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		try {
			return switch (args[0]) {
				case "http-client" -> httpClient(rest, out, err);
				case "echo" -> echo(rest, out);
				case "loop" -> loop(rest, out, err);
				case "file" -> file(rest, out, err);
				case "send-file" -> sendFile(rest, out, err);
				default -> {
					err.println("unknown example '" + args[0] + "'\n" + USAGE);
					yield 2;
				}
			};
		}
		catch (IOException | RuntimeException ex) {
			err.println("example " + args[0] + " failed: " + ex.getMessage());
			return 1;
		}
	}

	private static int httpClient(String[] urls, PrintStream out, PrintStream err) throws IOException {
		if (urls.length == 0) {
			err.println(USAGE);
			return 2;
		}
		Reactor reactor = new Reactor("http-client");
		List<HttpClient> clients = startClients(reactor, urls, 512);
		if (clients == null) {
			err.println("invalid URL; expected http://host[:port]/path");
			return 2;
		}
		logger.info("LOOP STARTING");
		reactor.loop();
		logger.info("LOOP DONE");
		return report(clients, out);
	}

	private static List<HttpClient> startClients(Reactor reactor, String[] urls, int chunk) throws IOException {
		List<HttpClient> clients = new ArrayList<>();
		for (String url : urls) {
			URI uri;
			try {
				uri = new URI(url);
			}
			catch (URISyntaxException ex) {
				reactor.close();
				return null;
			}
			if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
				reactor.close();
				return null;
			}
			clients.add(new HttpClient(reactor, uri, chunk));
		}
		return clients;
	}

	private static int report(List<HttpClient> clients, PrintStream out) {
		int failures = 0;
		for (HttpClient client : clients) {
			String response = new String(client.response(), StandardCharsets.ISO_8859_1);
			int eol = response.indexOf("\r\n");
			String status = (eol > 0) ? response.substring(0, eol) : "(no response)";
			out.println(client.url() + ": " + status + ", " + client.response().length + " bytes");
			if (!status.startsWith("HTTP/")) {
				failures++;
			}
		}
		return (failures == 0) ? 0 : 1;
	}

	private static int echo(String[] words, PrintStream out) throws IOException {
		byte[] message = ((words.length > 0) ? String.join(" ", words)
				: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.")
			.getBytes(StandardCharsets.UTF_8);
		Reactor reactor = new Reactor("echo");
		// As in the seed: the server handles one client, then closes, so that the map empties.
		SingleClientEchoServer server = new SingleClientEchoServer(reactor, new InetSocketAddress("127.0.0.1", 0));
		EchoClient client = new EchoClient(reactor, server.localAddress(), message, 64);
		reactor.loop();
		byte[] echoed = client.result().join();
		boolean same = Arrays.equals(message, echoed);
		out.println((same ? "RECEIVED COPY OF MESSAGE: " : "MESSAGE DIFFERS: ") + new String(echoed, StandardCharsets.UTF_8));
		out.println("map size after loop: " + reactor.size());
		reactor.close();
		return same ? 0 : 1;
	}

	private static int loop(String[] urls, PrintStream out, PrintStream err) throws IOException {
		Reactor reactor = new Reactor("loop");
		List<HttpClient> clients = List.of();
		EchoClient echoClient = null;
		if (urls.length > 0) {
			clients = startClients(reactor, urls, 512);
			if (clients == null) {
				err.println("invalid URL; expected http://host[:port]/path");
				return 2;
			}
		}
		else {
			SingleClientEchoServer server = new SingleClientEchoServer(reactor, new InetSocketAddress("127.0.0.1", 0));
			echoClient = new EchoClient(reactor, server.localAddress(),
					"Stepped one pass at a time by an outer loop.".getBytes(StandardCharsets.UTF_8), 8);
		}
		int counter = 0;
		while (reactor.size() > 0) {
			counter++;
			logger.info("loop_counter={}", counter);
			reactor.loop(Duration.ofSeconds(1), 1);
		}
		out.println("outer loop ran " + counter + " passes");
		int code = (echoClient != null) ? (echoClient.result().join().length > 0 ? 0 : 1) : report(clients, out);
		reactor.close();
		return code;
	}

	private static int file(String[] args, PrintStream out, PrintStream err) throws IOException {
		if (args.length == 0) {
			err.println(USAGE);
			return 2;
		}
		int chunk = positive((args.length > 1) ? args[1] : "256");
		if (chunk <= 0 || args.length > 2) {
			err.println("CHUNK must be a positive number of bytes\n" + USAGE);
			return 2;
		}
		// Usage was right; a file that cannot be read is the example failing (1), not bad usage (2).
		Path path = Path.of(args[0]);
		if (!Files.isReadable(path)) {
			err.println("example file failed: cannot read " + path);
			return 1;
		}
		Reactor reactor = new Reactor("file");
		long[] total = new long[1];
		Utf8Chunks text = new Utf8Chunks(chunk);
		new FileDispatcher(reactor, FileDispatcher.open(path, FileDispatcher.Mode.READ), FileDispatcher.Mode.READ, chunk) {

			@Override
			protected void handleChunk(ByteBuffer data) {
				int bytes = data.remaining();
				total[0] += bytes;
				logger.info("READ: ({} bytes) \"{}\"", bytes, text.decode(data, false));
			}

		};
		reactor.loop();
		String rest = text.decode(ByteBuffer.allocate(0), true);
		if (!rest.isEmpty()) {
			logger.info("READ: (end of file) \"{}\"", rest);
		}
		out.println("read " + total[0] + " bytes from " + path + " in chunks of " + chunk
				+ " over " + reactor.iterations() + " passes");
		reactor.close();
		return 0;
	}

	private static int sendFile(String[] args, PrintStream out, PrintStream err) throws IOException {
		if (args.length != 1) {
			err.println(USAGE);
			return 2;
		}
		if (!Files.isReadable(Path.of(args[0]))) {
			err.println("cannot read " + args[0]);
			return 1;
		}
		return SendFileExample.run(Path.of(args[0]), out);
	}

	private static int positive(String text) {
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * UTF-8 text of a byte stream that arrives in chunks: a character split across two chunks is
	 * held back and printed whole with the next one, instead of as two U+FFFD.
	 */
	static final class Utf8Chunks {

		private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);

		private final ByteBuffer carry;

		Utf8Chunks(int chunk) {
			this.carry = ByteBuffer.allocate(chunk + 4);
		}

		/** The characters {@code data} completes; {@code last} flushes an incomplete tail as U+FFFD. */
		String decode(ByteBuffer data, boolean last) {
			this.carry.put(data).flip();
			CharBuffer chars = CharBuffer.allocate(this.carry.remaining() + 1);
			this.decoder.decode(this.carry, chars, last);
			if (last) {
				this.decoder.flush(chars);
			}
			this.carry.compact();
			return chars.flip().toString();
		}

	}

	/** The seed's EchoServer: accepts one client, then closes itself so the loop can end. */
	static final class SingleClientEchoServer extends EchoServer {

		SingleClientEchoServer(Reactor reactor, SocketAddress address) throws IOException {
			super(reactor, address);
		}

		@Override
		protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
			logger.info("handle_accept() -> {}", remote);
			new EchoHandler(this.reactor, channel);
			handleCloseQuietly();
		}

		private void handleCloseQuietly() {
			logger.info("EchoServer handle_close()");
			close();
		}

	}

}
