package dev.asyncore.probe.exporter;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.event.Level;

import dev.asyncore.core.Reactor;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;

/**
 * blackbox_exporter's HTTP API, answered on the reactor: {@code GET /probe?target=&module=[&hostname=][&debug=true]},
 * {@code POST /-/reload}, {@code GET /-/healthy}, {@code GET /metrics} and the {@link OperatorPages}
 * ({@code /}, {@code /logs}, {@code /config}), all under the route prefix of its {@link ExporterPages}.
 * This is the one place where a request is turned
 * into an answer; every path but {@code /-/healthy} first passes the {@link ExporterAccess} check.
 *
 * <p>Probes run on the loop of the connection that asked, with at most {@code maxInFlight} at a time
 * over all loops (beyond it: 503), each within its finite deadline ({@code Module#effectiveTimeout})
 * and ended at once when its caller goes. Thread-safe: connections on several loops share one exporter.
 */
public final class BlackboxExporter {

	/** Where the files of a pending module are read and /metrics is rendered: off every loop, at most two at a time. */
	private static final Executor OFF_LOOP = files();

	private final Supplier<ModuleFile> modules;

	private final Function<Reactor, ProberLookup> probers;

	private final Supplier<CompletableFuture<String>> reload;

	private final int maxInFlight;

	private final Duration timeoutOffset;

	private final ExporterAccess access;

	private final ExporterPages pages;

	private final OperatorPages operatorPages;

	private final AtomicLong unknownModules = new AtomicLong();

	private final AtomicInteger inFlight = new AtomicInteger();

	/**
	 * @param modules the current module file (replaced on reload)
	 * @param probers the probers of a loop (made with that loop's fetcher), by prober name: the table's
	 * {@code forLoop}, so that the exporter knows no prober
	 * @param reload re-reads the module file off the loop; completes with {@code null} or the error
	 * @param maxInFlight probes at once; more get 503
	 * @param timeoutOffset subtracted from {@code X-Prometheus-Scrape-Timeout-Seconds}
	 */
	public BlackboxExporter(Supplier<ModuleFile> modules, Function<Reactor, ProberLookup> probers,
			Supplier<CompletableFuture<String>> reload, int maxInFlight, Duration timeoutOffset) {
		this(modules, probers, reload, maxInFlight, timeoutOffset, ExporterAccess.OPEN);
	}

	/**
	 * As the other constructor, with {@code access} deciding who may call it.
	 * @param access the credentials check run before every path but {@code /-/healthy}
	 */
	public BlackboxExporter(Supplier<ModuleFile> modules, Function<Reactor, ProberLookup> probers,
			Supplier<CompletableFuture<String>> reload, int maxInFlight, Duration timeoutOffset, ExporterAccess access) {
		this(modules, probers, reload, maxInFlight, timeoutOffset, access, ExporterPages.NONE);
	}

	/**
	 * As the other constructors, with the route prefix and {@code /metrics} of {@code pages}.
	 * @param pages where the paths are and what {@code /metrics} serves
	 */
	public BlackboxExporter(Supplier<ModuleFile> modules, Function<Reactor, ProberLookup> probers,
			Supplier<CompletableFuture<String>> reload, int maxInFlight, Duration timeoutOffset, ExporterAccess access,
			ExporterPages pages) {
		this(modules, probers, reload, maxInFlight, timeoutOffset, access, pages, new OperatorPages(100, Level.INFO));
	}

	/**
	 * As the other constructors, with the history, pages and failed-probe log of {@code operatorPages}.
	 * @param operatorPages records each probe and answers {@code /}, {@code /logs} and {@code /config}
	 */
	public BlackboxExporter(Supplier<ModuleFile> modules, Function<Reactor, ProberLookup> probers,
			Supplier<CompletableFuture<String>> reload, int maxInFlight, Duration timeoutOffset, ExporterAccess access,
			OperatorPages operatorPages) {
		this(modules, probers, reload, maxInFlight, timeoutOffset, access, ExporterPages.NONE, operatorPages);
	}

	/**
	 * The exporter with every part given.
	 * @param pages where the paths are and what {@code /metrics} serves
	 * @param operatorPages records each probe and answers {@code /}, {@code /logs} and {@code /config}
	 */
	public BlackboxExporter(Supplier<ModuleFile> modules, Function<Reactor, ProberLookup> probers,
			Supplier<CompletableFuture<String>> reload, int maxInFlight, Duration timeoutOffset, ExporterAccess access,
			ExporterPages pages, OperatorPages operatorPages) {
		this.operatorPages = Objects.requireNonNull(operatorPages);
		this.access = Objects.requireNonNull(access);
		this.pages = Objects.requireNonNull(pages);
		this.modules = Objects.requireNonNull(modules);
		this.probers = Objects.requireNonNull(probers);
		this.reload = Objects.requireNonNull(reload);
		this.maxInFlight = maxInFlight;
		this.timeoutOffset = timeoutOffset;
	}

	private static Executor files() {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
			Thread thread = new Thread(task, "blackbox-exporter");
			thread.setDaemon(true);
			return thread;
		});
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/** Probes asked of a module the file does not have (blackbox_module_unknown_total). */
	public long unknownModules() {
		return this.unknownModules.get();
	}

	/** Probes running now, over all loops. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Answers {@code request}; the future completes on {@code reactor}'s loop thread for probes.
	 * Loop thread of {@code reactor}.
	 * @param client the peer's address (for the access check), or {@code null}
	 * @param callerGone completes (on that loop thread) when nobody waits for the answer any more:
	 * a probe in progress then ends at once, as blackbox_exporter's does when Go cancels the
	 * request's context, and one not yet started is not started; the answer still completes
	 */
	public CompletableFuture<ExporterResponse> handle(Reactor reactor, ExporterRequest asked, SocketAddress client,
			CompletionStage<Void> callerGone) {
		String elsewhere = this.pages.redirect(asked.path());
		if (elsewhere != null && asked.method().equals("GET")) {
			return done(ExporterResponse.found(elsewhere));
		}
		ExporterRequest request = this.pages.route(asked);
		if (request == null) {
			return done(ExporterResponse.text(404, "404 page not found\n"));
		}
		if (request.path().equals("/-/healthy")) {
			return route(reactor, request, callerGone);
		}
		CompletableFuture<ExporterResponse> refusal = this.access.check(request, client);
		if (refusal.isDone() && !refusal.isCompletedExceptionally() && refusal.join() == null) {
			return route(reactor, request, callerGone);
		}
		// A check that completed elsewhere (bcrypt off the loop) comes back to the loop to probe.
		return refusal.thenComposeAsync((refused) -> (refused != null) ? done(refused) : route(reactor, request, callerGone),
				reactor::execute);
	}

	private CompletableFuture<ExporterResponse> route(Reactor reactor, ExporterRequest request,
			CompletionStage<Void> callerGone) {
		return switch (request.path()) {
			case "/probe" -> only("GET", request, () -> probe(reactor, request, callerGone));
			case "/-/reload" -> only("POST", request, () -> this.reload.get()
				.thenApply(error -> (error == null) ? ExporterResponse.text(200, "OK\n")
						: ExporterResponse.text(500, "failed to reload config: " + error + "\n")));
			case "/-/healthy" -> only("GET", request, () -> done(ExporterResponse.text(200, "Healthy\n")));
			case "/metrics" -> only("GET", request, () -> CompletableFuture.supplyAsync(
					() -> new ExporterResponse(200, ExporterResponse.METRICS, this.pages.metrics().get().getBytes(StandardCharsets.UTF_8)),
					OFF_LOOP).thenApplyAsync((response) -> response, reactor::execute));
			case "/" -> only("GET", request, () -> done(this.operatorPages.landing(this.modules.get())));
			case "/logs" -> only("GET", request, () -> done(this.operatorPages.logs(request.query())));
			case "/config" -> only("GET", request, () -> done(OperatorPages.config(this.modules.get())));
			default -> done(ExporterResponse.text(404, "404 page not found\n"));
		};
	}

	/** The methods a path allows (under any route prefix), for the Allow header of a 405. */
	public static String allowed(String path) {
		return path.endsWith("/-/reload") ? "POST" : "GET, HEAD";
	}

	private static CompletableFuture<ExporterResponse> only(String method, ExporterRequest request,
			Supplier<CompletableFuture<ExporterResponse>> answer) {
		boolean headOfGet = method.equals("GET") && request.method().equals("HEAD");
		if (!request.method().equals(method) && !headOfGet) {
			return done(ExporterResponse.text(405, "method " + request.method() + " not allowed; use " + method + "\n"));
		}
		return answer.get();
	}

	private static CompletableFuture<ExporterResponse> done(ExporterResponse response) {
		return CompletableFuture.completedFuture(response);
	}

	private CompletableFuture<ExporterResponse> probe(Reactor reactor, ExporterRequest request,
			CompletionStage<Void> callerGone) {
		Map<String, String> query = request.query();
		String moduleName = query.getOrDefault("module", ModuleFile.DEFAULT_MODULE);
		Module<?> found = this.modules.get().module(moduleName);
		if (found == null) {
			this.unknownModules.incrementAndGet();
			return done(ExporterResponse.text(400, "Unknown module \"" + moduleName + "\"\n"));
		}
		Module<?> module;
		try {
			module = found.withHostname(query.get("hostname"));
		}
		catch (IllegalArgumentException ex) {
			return done(ExporterResponse.text(400, ex.getMessage() + "\n"));
		}
		String target = query.get("target");
		if (target == null || target.isEmpty()) {
			return done(ExporterResponse.text(400, "Target parameter is missing\n"));
		}
		Duration timeout;
		try {
			timeout = module.effectiveTimeout(ScrapeTimeout.seconds(request.headers().get(ScrapeTimeout.HEADER)),
					this.timeoutOffset);
		}
		catch (ScrapeTimeout.Unparsable ex) {
			return done(ExporterResponse.text(400, "Failed to parse timeout from Prometheus header: " + ex.getMessage() + "\n"));
		}
		boolean debug = "true".equals(query.get("debug"));
		ProbeLog log = new ProbeLog(moduleName, target, debug || this.operatorPages.keepsLogs());
		ProbeReport report = new ProbeReport();
		long start = System.nanoTime();
		if (timeout.isZero()) {
			// blackbox_exporter's context is already past its deadline: it answers at once, and so do we,
			// without a slot and without contacting the target
			log.info("Beginning probe", "probe", module.kind().name(), "timeout_seconds", 0);
			log.error("Error starting the probe", "err", "context deadline exceeded: X-Prometheus-Scrape-Timeout-Seconds "
					+ request.headers().get(ScrapeTimeout.HEADER) + " less the offset leaves no time");
			return done(answer(module, report, log, debug, start, false));
		}
		if (module.unavailable() != null) {
			log.info("Beginning probe", "probe", module.kind().name(), "timeout_seconds", timeout.toNanos() / 1e9);
			log.error("Error starting the probe", "err", module.unavailable());
			return done(answer(module, report, log, debug, start, false));
		}
		if (module.pending() != null) {
			// the files it names are read off the loop, as blackbox_exporter reads them for each probe
			return CompletableFuture.supplyAsync(module::withFiles, OFF_LOOP)
				.handle((ready, error) -> (error == null) ? ready : (error.getCause() != null) ? error.getCause() : error)
				.thenComposeAsync((read) -> {
					if (read instanceof Module<?> ready) {
						return start(reactor, ready, target, timeout, report, log, debug, start, callerGone);
					}
					log.info("Beginning probe", "probe", module.kind().name(), "timeout_seconds", timeout.toNanos() / 1e9);
					log.error("Error starting the probe", "err", ((Throwable) read).getMessage());
					return done(answer(module, report, log, debug, start, false));
				}, reactor::execute);
		}
		return start(reactor, module, target, timeout, report, log, debug, start, callerGone);
	}

	/** Takes a slot and runs the probe of a module that is ready. Loop thread of {@code reactor}. */
	private CompletableFuture<ExporterResponse> start(Reactor reactor, Module<?> module, String target, Duration timeout,
			ProbeReport report, ProbeLog log, boolean debug, long start, CompletionStage<Void> callerGone) {
		if (callerGone.toCompletableFuture().isDone()) {
			log.error("Error starting the probe", "err", "context canceled: the caller has gone");
			return done(answer(module, report, log, debug, start, false));
		}
		if (this.inFlight.incrementAndGet() > this.maxInFlight) {
			this.inFlight.decrementAndGet();
			return done(ExporterResponse.text(503, "Too many probes in flight (" + this.maxInFlight + "); retry later\n"));
		}
		log.info("Beginning probe", "probe", module.kind().name(), "timeout_seconds", timeout.toNanos() / 1e9);
		CompletableFuture<Boolean> outcome;
		try {
			outcome = run(module, this.probers.apply(reactor), target, timeout, report, log, callerGone);
		}
		catch (RuntimeException ex) {
			this.inFlight.decrementAndGet();
			throw ex;
		}
		return outcome.handle((ended, error) -> {
			this.inFlight.decrementAndGet();
			return answer(module, report, log, debug, start, Boolean.TRUE.equals(ended));
		});
	}

	/**
	 * The answer to a probe that ended: its metrics, or with {@code debug=true} its log, metrics and
	 * module; the run goes to the history.
	 */
	private ExporterResponse answer(Module<?> module, ProbeReport report, ProbeLog log, boolean debug, long start,
			boolean ok) {
		double seconds = (System.nanoTime() - start) / 1e9;
		report.gauge("probe_duration_seconds", "Returns how long the probe took to complete in seconds", seconds);
		report.gauge("probe_success", "Displays whether or not the probe was a success", ok ? 1 : 0);
		String reason = log.lastError();
		if (ok) {
			log.info("Probe succeeded", "duration_seconds", seconds);
		}
		else {
			log.error("Probe failed", "duration_seconds", seconds);
		}
		String metrics = report.render();
		this.operatorPages.finished(module, log, metrics, ok, seconds, reason);
		if (!debug) {
			return new ExporterResponse(200, ExporterResponse.METRICS, metrics.getBytes(StandardCharsets.UTF_8));
		}
		return ExporterResponse.text(200, OperatorPages.debugOutput(log.lines(), metrics, module.text()));
	}

	/** Runs {@code module}'s prober of this loop with the module's options. */
	private static <O> CompletableFuture<Boolean> run(Module<O> module, ProberLookup probers, String target,
			Duration timeout, ProbeReport report, ProbeLog log, CompletionStage<Void> cancel) {
		@SuppressWarnings("unchecked") // the table pairs a kind's name with a prober of that kind's options
		Prober<O> prober = (Prober<O>) probers.prober(module.kind().name());
		if (prober == null) {
			throw new IllegalStateException("no " + module.kind().name() + " prober on this loop");
		}
		return prober.run(module.options(), target, timeout, report, log, cancel);
	}

}
