package dev.asyncore.probe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One of blackbox_exporter's probers ({@code http}, {@code tcp}, ...) bound to one loop. The
 * exporter picks it by {@link Module#prober()} and adds {@code probe_success} and
 * {@code probe_duration_seconds} itself.
 */
public interface Prober {

	/**
	 * Probes {@code target} with {@code module}, filling {@code report} and {@code log}.
	 * @return a future of whether the module's checks passed; it never completes exceptionally
	 */
	CompletableFuture<Boolean> run(Module module, String target, Duration timeout, ProbeReport report, ProbeLog log);

	/** The probers of one loop, by prober name. */
	@FunctionalInterface
	interface Set {

		/** The prober called {@code name} ({@code http}, ...) on this loop, or {@code null} if there is none. */
		Prober prober(String name);

	}

}
