package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.event.Level;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;

/**
 * Takes the first {@code /probe}'s one-time cost off the loops that serve. That probe loads, links
 * and first runs a few thousand classes (the exporter's request parsing, the prober, the fetch
 * client, the answer's rendering): a 30 ms loop pass on an idle machine, 100–170 ms while the JIT
 * and a burst of requests compete for two cores, during which no other connection of that loop is
 * served. This runs the same path once, before Prometheus does, on a loop of its own: a private
 * exporter (no history, no metrics, its failed-probe lines at TRACE) on a loopback listener answers
 * one {@code /probe} (with {@code debug=true}) per prober the module file uses, each against a
 * loopback port that refuses connections, sent over a real connection as any caller's. Class
 * loading and initialisation are the JVM's, so the serving loops find them done. What a refused
 * connection does not reach (a body, its decoding) stays cold. Blocking: call it off every
 * serving loop.
 */
public final class ExporterWarmUp {

	/**
	 * The probers warmed, each with the target it gets: those a refusing loopback port answers
	 * quickly. Not icmp (raw sockets, and loopback answers) nor unix (a file path).
	 */
	private static final Map<String, String> TARGETS = Map.of("http", "http://%s/", "websocket", "ws://%s/", "tcp", "%s",
			"udp", "%s", "dns", "%s", "grpc", "%s");

	/** The most a warm-up probe may take: a refused connection ends it in milliseconds. */
	private static final String SCRAPE_TIMEOUT_SECONDS = "2";

	/**
	 * What the warm-up did.
	 * @param answers each warmed module's name and the first line of its answer's {@code probe_success}
	 * @param probers the probers those modules ran
	 * @param took from start to the last answer
	 */
	public record Result(Map<String, String> answers, Set<String> probers, Duration took) {

		/** For the log: each module, its prober and what it answered. */
		@Override
		public String toString() {
			return this.answers + " in " + this.took.toMillis() + " ms";
		}

	}

	private ExporterWarmUp() {
	}

	/**
	 * The first module of each prober that can be warmed and is not in {@code warmed}, in the file's
	 * order, module name to prober name.
	 */
	static Map<String, String> modulesToWarm(ModuleFile modules, Set<String> warmed) {
		Map<String, String> chosen = new LinkedHashMap<>();
		Set<String> kinds = new HashSet<>(warmed);
		for (Module<?> module : modules.modules().values()) {
			String kind = module.kind().name();
			if (TARGETS.containsKey(kind) && module.unavailable() == null && module.pending() == null && kinds.add(kind)) {
				chosen.put(module.name(), kind);
			}
		}
		return chosen;
	}

	/**
	 * Runs one probe per prober {@code modules} uses that is not in {@code warmed} (empty at start;
	 * after a reload, those warmed before), on a loop made for it and closed after; with nothing to
	 * warm, nothing is opened.
	 * @param probers the probers of a loop, allowed to probe loopback (as the serving loops' are made)
	 * @param limit how long the whole warm-up may take; then it stops where it is
	 * @return each warmed module and what it answered
	 * @throws IOException if a loopback socket cannot be opened or an answer does not come in time
	 */
	public static Result run(ModuleFile modules, Set<String> warmed, Function<Reactor, ProberLookup> probers,
			Duration limit) throws IOException {
		long start = System.nanoTime();
		Map<String, String> chosen = modulesToWarm(modules, warmed);
		Map<String, String> answers = new LinkedHashMap<>();
		if (chosen.isEmpty()) {
			return new Result(answers, Set.of(), Duration.ZERO);
		}
		InetAddress loopback = InetAddress.getLoopbackAddress();
		Reactor reactor = new Reactor("blackbox-warm-up");
		BlackboxExporter exporter = new BlackboxExporter(() -> modules, probers,
				() -> CompletableFuture.completedFuture("not served by the warm-up"), chosen.size(), Duration.ZERO,
				ExporterAccess.OPEN, ExporterPages.NONE, new OperatorPages(0, Level.TRACE));
		Thread loop = Thread.ofPlatform().name("blackbox-warm-up").daemon().unstarted(
				() -> reactor.runUntilStopped(Duration.ofMillis(100)));
		// bound and never listening: a connection to it is refused at once, and nobody else gets the port
		try (SocketChannel refusing = SocketChannel.open().bind(new InetSocketAddress(loopback, 0))) {
			String host = (loopback instanceof Inet6Address) ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
			String refusingPort = host + ":" + ((InetSocketAddress) refusing.getLocalAddress()).getPort();
			loop.start();
			int port = reactor.submit(() -> {
				ServerDispatcher listener = new ServerDispatcher(reactor, new InetSocketAddress(loopback, 0),
						ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox-warm-up"),
						(r, channel, stats) -> new ExporterConnection(r, channel, exporter));
				return ((InetSocketAddress) listener.localAddress()).getPort();
			}).get(limit.toMillis(), TimeUnit.MILLISECONDS);
			long deadline = start + limit.toNanos();
			for (Map.Entry<String, String> module : chosen.entrySet()) {
				String target = String.format(TARGETS.get(module.getValue()), refusingPort);
				String answer = ask(loopback, port, module.getKey(), target, deadline);
				answers.put(module.getKey() + " (" + module.getValue() + ")", successLine(answer));
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IOException("The warm-up listener did not open: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted", ex);
		}
		finally {
			reactor.stop();
			try {
				loop.join(limit.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			reactor.close();
		}
		return new Result(Collections.unmodifiableMap(answers), Set.copyOf(chosen.values()),
				Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * One {@code /probe} over a new connection, read until the exporter closes it; with
	 * {@code debug=true}, whose answer (the log, the module as YAML with its secrets masked) is a
	 * path of its own.
	 */
	private static String ask(InetAddress loopback, int port, String module, String target, long deadline)
			throws IOException {
		int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(loopback, port), millis);
			socket.setSoTimeout(millis);
			String request = "GET /probe?module=" + URLEncoder.encode(module, StandardCharsets.UTF_8) + "&target="
					+ URLEncoder.encode(target, StandardCharsets.UTF_8) + "&debug=true HTTP/1.1\r\nHost: warm-up\r\n"
					+ ScrapeTimeout.HEADER + ": " + SCRAPE_TIMEOUT_SECONDS + "\r\nConnection: close\r\n\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static String successLine(String answer) {
		return answer.lines()
			.filter(line -> line.startsWith("probe_success "))
			.findFirst()
			.orElseGet(() -> "no probe_success in: " + answer.lines().findFirst().orElse("(nothing)"));
	}

}
