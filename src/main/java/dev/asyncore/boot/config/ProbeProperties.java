package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One scheduled probe (asyncore.probes[*]), in the manner of Prometheus' blackbox exporter:
 * a GET of url every interval, judged by its status code, reported as the
 * asyncore.probe.* gauges tagged with name. Probes obey asyncore.fetch's
 * policy. Immutable.
 *
 * @param name unique name; the probe tag of its meters
 * @param url the http or https URL fetched
 * @param interval time from the end of one probe to the start of the next
 * @param timeout longest time for one probe, DNS and redirects included
 * @param expectedStatus status codes that count as success; empty means any 2xx
 */
public record ProbeProperties(String name, String url,
		@DefaultValue("30s") Duration interval, @DefaultValue("10s") Duration timeout,
		@DefaultValue List<Integer> expectedStatus) {

	public ProbeProperties {
		expectedStatus = List.copyOf(expectedStatus);
	}

	/** Whether status counts as success. */
	public boolean expects(int status) {
		return this.expectedStatus.isEmpty() ? (status >= 200 && status < 300) : this.expectedStatus.contains(status);
	}

}
