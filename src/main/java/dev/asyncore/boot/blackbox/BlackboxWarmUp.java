package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import dev.asyncore.boot.blackbox.BlackboxConfiguration.BlackboxProbers;
import dev.asyncore.probe.exporter.ExporterWarmUp;

/**
 * Once the application is ready, warms the {@code /probe} path off the serving loops
 * ({@link ExporterWarmUp}) on a daemon thread, so that the first probe Prometheus asks for does not
 * hold a serving loop while a few thousand classes load. A failure is logged and changes nothing:
 * the first probes then warm the path themselves, as they would without this.
 */
final class BlackboxWarmUp implements ApplicationListener<ApplicationReadyEvent> {

	private static final Logger logger = LoggerFactory.getLogger(BlackboxWarmUp.class);

	private static final Duration LIMIT = Duration.ofSeconds(30);

	private final BlackboxModules modules;

	private final BlackboxProbers probers;

	private final boolean enabled;

	private final CompletableFuture<ExporterWarmUp.Result> result = new CompletableFuture<>();

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
		Thread.ofPlatform().name("blackbox-warm-up-client").daemon().start(this::warmUp);
	}

	private void warmUp() {
		try {
			ExporterWarmUp.Result result = ExporterWarmUp.run(this.modules.current(), this.probers.forWarmUp(), LIMIT);
			logger.info("Warmed up the /probe path off the serving loops, one probe per prober against a refusing loopback port: {}",
					result);
			this.result.complete(result);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Warming up the /probe path failed; the first probes will load its classes on their loops: {}",
					ex.toString());
			this.result.completeExceptionally(ex);
		}
	}

	/** What the warm-up did once it ends: {@code null} if it was off, exceptionally if it failed. */
	CompletableFuture<ExporterWarmUp.Result> result() {
		return this.result;
	}

}
