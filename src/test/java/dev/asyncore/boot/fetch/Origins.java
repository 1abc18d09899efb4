package dev.asyncore.boot.fetch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.asyncore.testsupport.TestCertificates;
import dev.asyncore.tls.TlsServerContext;

/**
 * In-process origins on loopback shared by the fetch tests of one JVM (so the Spring contexts that
 * point probes at them are cached): an HTTP and an HTTPS origin with the same pages, a probe origin
 * that tests stop and start again on the same port, a "trap" that only counts connections (it must
 * see none when a fetch is refused), and a garbage server for protocol errors.
 */
public final class Origins {

	/** Names the test resolver maps to 127.0.0.1 and that {@code application-fetch-it.yml} allows. */
	static final String HOST = "origin.test";

	private static Origins instance;

	final HttpServer http;

	final HttpsServer https;

	final SSLContext trust;

	final ServerSocket trap;

	final AtomicInteger trapped = new AtomicInteger();

	final ServerSocket garbage;

	final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

	/** /hold and /trickle requests wait on this latch (at most 20 s); tests replace it. */
	volatile CountDownLatch release = new CountDownLatch(1);

	final AtomicInteger holding = new AtomicInteger();

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "origin");
		thread.setDaemon(true);
		return thread;
	});

	private final int probePort;

	private volatile HttpServer probe;

	private Origins() throws Exception {
		Path dir = Files.createTempDirectory("fetch-it");
		Path store = TestCertificates.generate(dir, HOST, "dns:" + HOST + ",dns:localhost,ip:127.0.0.1");
		this.trust = TestCertificates.trusting(store);
		this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
		this.https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
		this.https.setHttpsConfigurator(
				new HttpsConfigurator(TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD).sslContext()));
		for (HttpServer server : new HttpServer[] { this.http, this.https }) {
			server.createContext("/", this::page);
			server.setExecutor(this.executor);
			server.start();
		}
		this.trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		daemon("trap", () -> serve(this.trap, (socket) -> this.trapped.incrementAndGet()));
		daemon("garbage", () -> serve(this.garbage, (socket) -> {
			socket.getOutputStream().write("SMTP ready\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.getInputStream().readNBytes(1);
		}));
		this.probe = probeServer(0);
		this.probePort = this.probe.getAddress().getPort();
	}

	static synchronized Origins get() {
		if (instance == null) {
			try {
				instance = new Origins();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Cannot start the test origins", ex);
			}
		}
		return instance;
	}

	String http(String path) {
		return "http://" + HOST + ":" + this.http.getAddress().getPort() + path;
	}

	String https(String path) {
		return "https://" + HOST + ":" + this.https.getAddress().getPort() + path;
	}

	int trapPort() {
		return this.trap.getLocalPort();
	}

	int garbagePort() {
		return this.garbage.getLocalPort();
	}

	int probePort() {
		return this.probePort;
	}

	int hits(String path) {
		return this.hits.computeIfAbsent(path, (p) -> new AtomicInteger()).get();
	}

	/** The probe origin goes away: its port refuses connections. */
	public synchronized void stopProbeOrigin() {
		this.probe.stop(0);
	}

	/** The probe origin comes back on the same port. */
	public synchronized void startProbeOrigin() throws IOException {
		this.probe = probeServer(this.probePort);
	}

	private HttpServer probeServer(int port) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
		server.createContext("/", (exchange) -> send(exchange, 200, "text/plain", "probe ok".getBytes()));
		server.setExecutor(this.executor);
		server.start();
		return server;
	}

	private void page(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String query = exchange.getRequestURI().getRawQuery();
		this.hits.computeIfAbsent(path, (p) -> new AtomicInteger()).incrementAndGet();
		switch (path) {
			case "/hello" -> send(exchange, 200, "text/plain; charset=utf-8", "hello, asyncore\n".getBytes(StandardCharsets.UTF_8));
			case "/bytes" -> send(exchange, 200, "application/octet-stream", bytes(Integer.parseInt(query.substring(2))));
			case "/missing" -> send(exchange, 404, "text/plain", "no such page".getBytes());
			case "/redirect" -> {
				exchange.getResponseHeaders().add("Location", URLDecoder.decode(query.substring(3), StandardCharsets.UTF_8));
				send(exchange, 302, "text/plain", new byte[0]);
			}
			case "/hold" -> {
				this.holding.incrementAndGet();
				try {
					this.release.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				send(exchange, 200, "text/plain", "released".getBytes());
			}
			case "/trickle" -> trickle(exchange);
			default -> send(exchange, 404, "text/plain", new byte[0]);
		}
	}

	/** A body of one byte every 200 ms until released (at most 20 s): in flight, never read-idle. */
	private void trickle(HttpExchange exchange) throws IOException {
		this.holding.incrementAndGet();
		exchange.getResponseHeaders().add("Content-Type", "text/plain");
		exchange.sendResponseHeaders(200, 0);
		try (OutputStream out = exchange.getResponseBody()) {
			for (int i = 0; i < 100 && !this.release.await(200, TimeUnit.MILLISECONDS); i++) {
				out.write('.');
				out.flush();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** {@code n} bytes that are not valid UTF-8 text. */
	static byte[] bytes(int n) {
		byte[] bytes = new byte[n];
		for (int i = 0; i < n; i++) {
			bytes[i] = (byte) (0x80 + (i * 7) % 128);
		}
		return bytes;
	}

	private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", type);
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private interface SocketAction {

		void accept(Socket socket) throws IOException;

	}

	private void serve(ServerSocket server, SocketAction action) {
		while (!server.isClosed()) {
			try (Socket socket = server.accept()) {
				socket.setSoTimeout(5_000);
				action.accept(socket);
			}
			catch (IOException ex) {
				// a peer that went away; the next connection is served as usual
				if (server.isClosed()) {
					throw new UncheckedIOException(ex);
				}
			}
		}
	}

	private void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

}
