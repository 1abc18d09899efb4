package dev.asyncore.boot.probes;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.asyncore.boot.config.ProbeProperties;
import dev.asyncore.boot.fetch.FetchOutcome;
import dev.asyncore.http.FetchResult;
import dev.asyncore.probe.HttpProbe;
import dev.asyncore.probe.Module;

/**
 * One configured probe and its last result. The result is replaced as a whole (a volatile
 * reference) by whichever thread completes a run, and read by the gauges and the {@code probes}
 * endpoint from any thread.
 */
public final class Probe {

	private final ProbeProperties properties;

	private final URI uri;

	private final Module module;

	private volatile ProbeResult last;

	Probe(ProbeProperties properties, URI uri) {
		this.properties = properties;
		this.uri = uri;
		// no TLS material of its own: the fetcher's trust (the service's SSLContext) applies
		this.module = new Module(properties.name(), "http", properties.timeout(),
				HttpProbe.DEFAULT.withValidStatusCodes(Set.copyOf(properties.expectedStatus())),
				"prober: http\ntimeout: " + properties.timeout().toMillis() + "ms\n", null);
	}

	/** The blackbox module this probe runs: http, its expected statuses, its timeout. */
	public Module module() {
		return this.module;
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
