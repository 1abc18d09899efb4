package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import dev.asyncore.boot.blackbox.BlackboxConfiguration.BlackboxProbers;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.exporter.ExporterWarmUp;

/**
 * Once the application is ready, warms the {@code /probe} path off the serving loops
 * ({@link ExporterWarmUp}) on a daemon thread, so that the first probe Prometheus asks for does not
 * hold a serving loop while a few thousand classes load; after each reload of the module file
 * (SIGHUP, {@code /-/reload}, the file's change), the probers it newly uses. A failure is logged and
 * changes nothing: the first probes then warm the path themselves, as they would without this.
 */
final class BlackboxWarmUp implements ApplicationListener<ApplicationReadyEvent>, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(BlackboxWarmUp.class);

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private final BlackboxModules modules;

	private final BlackboxProbers probers;

	private final boolean enabled;

	/** One warm-up at a time, in the order asked: at start, then after each reload. */
	private final ExecutorService runner = Executors.newSingleThreadExecutor(
			(task) -> Thread.ofPlatform().name("blackbox-warm-up-client").daemon().unstarted(task));

	/** The probers warmed so far; the runner's thread only. */
	private final Set<String> warmed = new HashSet<>();

	private final CompletableFuture<ExporterWarmUp.Result> result = new CompletableFuture<>();

	private volatile CompletableFuture<ExporterWarmUp.Result> lastReload = CompletableFuture.completedFuture(null);

	/** @param enabled whether to warm up: {@code asyncore.blackbox.warm-up} and a blackbox listener to serve */
	BlackboxWarmUp(BlackboxModules modules, BlackboxProbers probers, boolean enabled) {
		this.modules = modules;
		this.probers = probers;
		this.enabled = enabled;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!this.enabled) {
			this.result.complete(null);
			return;
		}
		this.modules.onReload(this::reloaded);
		warmUp(this.modules.current(), this.result, "Warmed up the /probe path off the serving loops");
	}

	private void reloaded(ModuleFile reloaded) {
		CompletableFuture<ExporterWarmUp.Result> done = new CompletableFuture<>();
		this.lastReload = done;
		warmUp(reloaded, done, "Warmed up the probers the reloaded modules newly use");
	}

	private void warmUp(ModuleFile modules, CompletableFuture<ExporterWarmUp.Result> done, String what) {
		try {
			this.runner.execute(() -> {
				try {
					ExporterWarmUp.Result result = ExporterWarmUp.run(modules, Set.copyOf(this.warmed), this.probers.forWarmUp(),
							LIMIT);
					this.warmed.addAll(result.probers());
					if (!result.answers().isEmpty()) {
						logger.info("{}, one probe per prober against a refusing loopback port: {}", what, result);
					}
					done.complete(result);
				}
				catch (IOException | RuntimeException ex) {
					logger.warn("Warming up the /probe path failed; the first probes will load its classes on their loops: {}",
							ex.toString());
					done.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			done.completeExceptionally(ex); // closing
		}
	}

	/** What the warm-up at start did once it ends: {@code null} if it was off, exceptionally if it failed. */
	CompletableFuture<ExporterWarmUp.Result> result() {
		return this.result;
	}

	/** What the warm-up after the latest reload did (what it warmed anew), once it ends. */
	CompletableFuture<ExporterWarmUp.Result> lastReload() {
		return this.lastReload;
	}

	@Override
	public void close() {
		this.runner.shutdownNow();
	}

}
