package dev.asyncore.probe.toy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.asyncore.core.Reactor;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;

/**
 * A toy prober: on its loop's next turn it reports the target's length and passes if the target
 * matches {@code expect}. Loop thread of its reactor.
 */
final class ToyProber implements Prober<ToyOptions> {

	private final Reactor reactor;

	ToyProber(Reactor reactor) {
		this.reactor = reactor;
	}

	@Override
	public CompletableFuture<Boolean> run(ToyOptions options, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		CompletableFuture<Boolean> outcome = new CompletableFuture<>();
		this.reactor.schedule(Duration.ZERO, () -> {
			boolean matched = options.expect().matcher(target).find();
			report.gauge("probe_toy_target_length", "Length of the target (a toy prober)", target.length());
			log.info(matched ? "Target matched" : "Target did not match", "expect", options.expect().pattern());
			outcome.complete(matched);
		});
		return outcome;
	}

}
