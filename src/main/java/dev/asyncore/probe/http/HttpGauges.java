package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.util.List;

import dev.asyncore.http.RequestOptions;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.target.IpText;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsGauges;

/**
 * The http prober's gauges under blackbox_exporter's names and help texts. Loop thread only.
 */
final class HttpGauges {

	private final ProbeReport report;

	HttpGauges(ProbeReport report) {
		this.report = report;
		// blackbox_exporter registers these at the start of every http probe, so they are there even on failure
		gauge("probe_http_content_length", "Length of http content response", 0);
		gauge("probe_http_uncompressed_body_length", "Length of uncompressed response body", 0);
		gauge("probe_http_redirects", "The number of redirects", 0);
		gauge("probe_http_ssl", "Indicates if SSL was used for the final redirect", 0);
		gauge("probe_http_status_code", "Response HTTP status code", 0);
		gauge("probe_http_version", "Returns the version of HTTP of the probe response", 0);
		gauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex", 0);
		// probe_http_duration_seconds: set once, by phases(), when the fetch ended
	}

	void gauge(String name, String help, double value) {
		this.report.gauge(name, help, value);
	}

	void resolved(long nanos, InetAddress address) {
		gauge("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds", nanos / 1e9);
		gauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
				(address != null) ? IpProtocol.of(address).number() : 0);
		gauge("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
				(address != null) ? IpText.hash(address) : 0);
	}

	/**
	 * {@code probe_http_duration_seconds}, each phase summed over the hops (redirects), as blackbox_exporter does.
	 * @param resolvedHere whether the first hop's name was looked up here: with
	 * {@code skip_resolve_phase_with_proxy} it was not, and the {@code resolve} phase is present only
	 * for the hops after it (redirects), as blackbox_exporter 0.23 sets it
	 */
	void phases(List<RequestOptions.Hop> hops, boolean resolvedHere) {
		long resolve = 0;
		long connect = 0;
		long tls = 0;
		long processing = 0;
		long transfer = 0;
		for (int i = 0; i < hops.size(); i++) {
			RequestOptions.Hop hop = hops.get(i);
			resolve += (resolvedHere || i > 0) ? hop.dnsNanos() : 0;
			connect += hop.connectNanos();
			tls += hop.tlsNanos();
			processing += hop.processingNanos();
			transfer += hop.transferNanos();
		}
		String help = "Duration of http request by phase, summed over all redirects";
		String name = "probe_http_duration_seconds";
		if (resolvedHere || hops.size() > 1) {
			this.report.gauge(name, help, resolve / 1e9, "phase", "resolve");
		}
		this.report.gauge(name, help, connect / 1e9, "phase", "connect");
		this.report.gauge(name, help, tls / 1e9, "phase", "tls");
		this.report.gauge(name, help, processing / 1e9, "phase", "processing");
		this.report.gauge(name, help, transfer / 1e9, "phase", "transfer");
	}

	/** The certificate and TLS gauges; present whenever a chain was seen, even if it was refused. */
	void tls(TlsCapture capture) {
		if (TlsGauges.report(this.report, capture) && capture.cipher() != null) {
			this.report.gauge("probe_tls_cipher_info", "Returns the TLS cipher negotiated during handshake", 1,
					"cipher", capture.cipher());
		}
	}

}
