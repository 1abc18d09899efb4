package dev.asyncore.probe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
	 * @param cancel completes when the probe must end at once because nobody waits for it any more
	 * (the exporter's caller hung up), as Go's request context does for blackbox_exporter. The prober
	 * then ends as at its deadline, with the reason {@code operation was canceled} in the log: its
	 * sockets and timers are closed and the future completes with {@code false} before completing
	 * {@code cancel} returns. Completed on this prober's loop thread.
	 * @return a future of whether the module's checks passed; it never completes exceptionally
	 */
	CompletableFuture<Boolean> run(O options, String target, Duration timeout, ProbeReport report, ProbeLog log,
			CompletionStage<Void> cancel);

	/** As the other {@code run}, for a probe that only its deadline ends. */
	default CompletableFuture<Boolean> run(O options, String target, Duration timeout, ProbeReport report, ProbeLog log) {
		return run(options, target, timeout, report, log, new CompletableFuture<>());
	}

}
