package dev.asyncore.boot.fetch;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import dev.asyncore.boot.config.ProbeProperties;
import dev.asyncore.http.FetchResult;

/**
 * One configured probe and its last result. The result is replaced as a whole (a volatile
 * reference) by whichever thread completes a run, and read by the gauges and the {@code probes}
 * endpoint from any thread.
 */
public final class Probe {

	private final ProbeProperties properties;

	private final URI uri;

	private volatile ProbeResult last;

	Probe(ProbeProperties properties, URI uri) {
		this.properties = properties;
		this.uri = uri;
	}

	public String name() {
		return this.properties.name();
	}

	public ProbeProperties properties() {
		return this.properties;
	}

	public URI uri() {
		return this.uri;
	}

	/** The result of the last completed run, or {@code null} before the first one. */
	public ProbeResult last() {
		return this.last;
	}

	void completed(FetchResult result, Throwable failure, Duration elapsed) {
		Instant now = Instant.now();
		if (result != null) {
			boolean expected = this.properties.expects(result.status());
			this.last = new ProbeResult(now, expected, result.status(), result.timings(), elapsed,
					result.certificateNotAfter(), expected ? null : "unexpected status " + result.status());
		}
		else {
			this.last = new ProbeResult(now, false, 0, null, elapsed, null,
					FetchMetrics.outcome(failure) + ": " + failure.getMessage());
		}
	}

}
