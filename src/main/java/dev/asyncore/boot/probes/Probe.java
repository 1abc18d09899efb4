package dev.asyncore.boot.probes;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.asyncore.boot.config.ProbeProperties;
import dev.asyncore.boot.fetch.FetchOutcome;
import dev.asyncore.http.FetchResult;
import dev.asyncore.probe.http.HttpOptions;

/**
 * One configured probe and its last result. The result is replaced as a whole (a volatile
 * reference) by whichever thread completes a run, and read by the gauges and the {@code probes}
 * endpoint from any thread.
 */
public final class Probe {

	private final ProbeProperties properties;

	private final URI uri;

	private final HttpOptions options;

	private volatile ProbeResult last;

	Probe(ProbeProperties properties, URI uri) {
		this.properties = properties;
		this.uri = uri;
		// no TLS material of its own: the fetcher's trust (the service's SSLContext) applies
		this.options = HttpOptions.DEFAULT.withValidStatusCodes(Set.copyOf(properties.expectedStatus()));
	}

	/** The http prober's options this probe runs with: blackbox_exporter's defaults and its expected statuses. */
	public HttpOptions options() {
		return this.options;
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

	void completed(boolean expected, FetchResult result, Throwable failure, Duration elapsed) {
		Instant now = Instant.now();
		if (result != null) {
			this.last = new ProbeResult(now, expected, result.status(), result.timings(), elapsed,
					result.certificateNotAfter(), expected ? null : "unexpected status " + result.status());
		}
		else {
			this.last = new ProbeResult(now, false, 0, null, elapsed, null,
					FetchOutcome.of(failure).tag() + ": " + failure.getMessage());
		}
	}

}
