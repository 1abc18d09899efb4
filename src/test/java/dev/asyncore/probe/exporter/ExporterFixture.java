package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.ProberContext;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

/**
 * The exporter with every standard prober on a real loop, listening on a loopback port: what the
 * reliability tests of the exporter attack. {@link SilentTarget} is a target that accepts and never
 * answers.
 */
final class ExporterFixture implements AutoCloseable {

	/** A module without a timeout (the header's, or 120 s) and one with 5 s, for http and tcp targets. */
	static final String MODULES = """
			modules:
			  open:
			    prober: http
			  five:
			    prober: http
			    timeout: 5s
			  tcp_open:
			    prober: tcp
			    tcp:
			      query_response:
			        - expect: "^never"
			  udp_open:
			    prober: udp
			    udp:
			      query_response:
			        - send: "anyone?"
			        - expect: "^never"
			  dns_open:
			    prober: dns
			    dns:
			      query_name: example.org
			      query_type: A
			""";

	final ReactorThread loop;

	final BlackboxExporter exporter;

	final ListenerStats stats = new ListenerStats("blackbox");

	final int port;

	private final ExecutorService lookups = Executors.newFixedThreadPool(2);

	final ExporterAdmission admission = new ExporterAdmission();

	ExporterFixture(String name, int maxInFlight, int maxConnections) throws Exception {
		this(name, maxInFlight, maxConnections, RequestDeadlines.DEFAULTS);
	}

	/** @param maxConnections the listener's limit, 0 for none; a full listener asks {@link #admission} for room */
	ExporterFixture(String name, int maxInFlight, int maxConnections, RequestDeadlines deadlines) throws Exception {
		ModuleFile modules = ModuleFile.parse(MODULES, null, Probers.standard().kinds());
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		this.loop = new ReactorThread(name);
		this.exporter = new BlackboxExporter(() -> modules,
				reactor -> Probers.standard()
					.forLoop(new ProberContext(reactor, Fetcher.builder(reactor).policy(policy).build(), policy,
							InetAddress::getAllByName, this.lookups, new ProbeMemory(ProbeMemory.defaultMax()))),
				() -> CompletableFuture.completedFuture(null), maxInFlight, Duration.ofMillis(500));
		this.port = this.loop.call(() -> {
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					new ServerDispatcher.Options(1024, maxConnections, Duration.ZERO), this.stats,
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, this.exporter, deadlines,
							this.admission));
			server.setOverflow(this.admission);
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	/** Dispatchers in the loop's map: the listener, open exporter connections, probes' sockets. */
	int mapSize() throws Exception {
		return this.loop.call(() -> this.loop.reactor().size());
	}

	/** Sends {@code request} on a new connection and reads until the server closes (10 s at most). */
	String exchange(String request) throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			return readAll(socket);
		}
	}

	Socket connect() throws IOException {
		Socket socket = new Socket("127.0.0.1", this.port);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/** What the peer sends until it closes; a reset or 10 s of silence ends it with a marker. */
	static String readAll(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder text = new StringBuilder();
		byte[] buffer = new byte[8192];
		try {
			for (int n; (n = in.read(buffer)) >= 0;) {
				text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
			}
		}
		catch (SocketTimeoutException ex) {
			text.append("<timeout>");
		}
		catch (SocketException ex) {
			text.append("<reset>");
		}
		return text.toString();
	}

	/** The value of metric line {@code name} in an answer, or {@code null}. */
	static String metric(String answer, String name) {
		return answer.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
			.findFirst().orElse(null);
	}

	static String get(String pathAndQuery, String... headerLines) {
		StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: x\r\n");
		for (String line : headerLines) {
			request.append(line).append("\r\n");
		}
		return request.append("Connection: close\r\n\r\n").toString();
	}

	/**
	 * Whether the other end closed {@code socket}: its end of stream (or a reset) arrives within
	 * 200 ms, after whatever it had sent.
	 */
	static boolean peerClosed(Socket socket) throws IOException {
		int timeout = socket.getSoTimeout();
		socket.setSoTimeout(200);
		try {
			InputStream in = socket.getInputStream();
			byte[] sink = new byte[4096];
			while (in.read(sink) >= 0) {
				// what was sent before the close
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
		finally {
			if (!socket.isClosed()) {
				socket.setSoTimeout(timeout);
			}
		}
	}

	@Override
	public void close() throws Exception {
		this.loop.close();
		this.lookups.shutdownNow();
	}

	/** A TCP target that accepts connections and never writes; it records each one to see it closed. */
	static final class SilentTarget implements AutoCloseable {

		private final ServerSocket server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		private final Thread acceptor = new Thread(this::accept, "silent-target");

		SilentTarget() throws IOException {
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		private void accept() {
			try {
				while (true) {
					Socket socket = this.server.accept();
					socket.setSoTimeout(50);
					this.accepted.add(socket);
				}
			}
			catch (IOException ex) {
				// the server socket closed: the test is over
			}
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getLocalPort() + "/";
		}

		String hostPort() {
			return "127.0.0.1:" + this.server.getLocalPort();
		}

		List<Socket> accepted() {
			return this.accepted;
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.accepted) {
				socket.close();
			}
		}

	}

}
