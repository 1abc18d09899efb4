package dev.asyncore.boot.probes;

import java.time.Duration;
import java.time.Instant;

import dev.asyncore.http.FetchResult;

/**
 * The outcome of one run of a probe. Immutable; any thread.
 *
 * @param at when the run ended
 * @param success whether the URL answered with an expected status
 * @param status the final status code, 0 if there was no response
 * @param timings phase durations, or {@code null} if the fetch failed
 * @param elapsed time from start to end of the run
 * @param certificateNotAfter for https, when the server certificate expires; else {@code null}
 * @param error why the run failed ({@code outcome: message}), or {@code null}
 */
public record ProbeResult(Instant at, boolean success, int status, FetchResult.Timings timings, Duration elapsed,
		Instant certificateNotAfter, String error) {

}
