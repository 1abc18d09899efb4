package dev.asyncore.probe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One of blackbox_exporter's probers ({@code http}, {@code tcp}, ...) bound to one loop. The
 * exporter finds it by the name of a module's prober ({@link ProberLookup}), hands it the module's
 * options, and adds {@code probe_success} and {@code probe_duration_seconds} itself. Called on the
 * loop thread it is bound to (the http prober, on its fetcher's, also accepts other threads).
 *
 * @param <O> its options record, read from the module file by its {@code ProberKind}
 */
public interface Prober<O> {

	/**
	 * Probes {@code target} with a module's {@code options}, filling {@code report} and {@code log}.
	 * @param timeout what the probe may take, all phases included
	 * @return a future of whether the module's checks passed; it never completes exceptionally
	 */
	CompletableFuture<Boolean> run(O options, String target, Duration timeout, ProbeReport report, ProbeLog log);

}
