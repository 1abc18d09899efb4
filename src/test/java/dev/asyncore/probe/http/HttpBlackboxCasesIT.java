package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.http.HttpBodyIT.Probe;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single cases of blackbox_exporter 0.23's http prober against a loopback origin: the IP family of
 * a literal target, and the date forms of {@code Last-Modified}.
 */
@Timeout(60)
class HttpBlackboxCasesIT {

	private static final String MODULES = """
			modules:
			  ip6_only: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip6, ip_protocol_fallback: false}}
			  ip6_fallback: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip6}}
			  ip4_only: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip4, ip_protocol_fallback: false}}
			""";

	private final ReactorThread loop = new ReactorThread("http-cases-it");

	private Origin origin;

	@AfterEach
	void stop() throws Exception {
		if (this.origin != null) {
			this.origin.close();
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private Probe probe(String module, String target) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		HttpProber prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
		return HttpBodyIT.probe(prober, MODULES, module, null, target);
	}

	@Test
	void anIpv4LiteralWithIp6PreferredAndNoFallbackFailsBeforeConnecting() throws Exception {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "", new byte[0]));
		Probe only6 = probe("ip6_only", this.origin.url("/"));
		assertThat(only6.outcome().success()).isFalse();
		assertThat(only6.metric("probe_ip_protocol")).isZero();
		assertThat(only6.metric("probe_ip_addr_hash")).isZero();
		assertThat(only6.metric("probe_http_status_code")).isZero();
		assertThat(only6.logText()).contains("Resolution with IP protocol failed",
				"address 127.0.0.1: no suitable address found");
		assertThat(this.origin.connections()).isZero();

		for (String module : new String[] { "ip6_fallback", "ip4_only" }) {
			Probe fine = probe(module, this.origin.url("/"));
			assertThat(fine.outcome().success()).as(module + ": " + fine.logText()).isTrue();
			assertThat(fine.metric("probe_ip_protocol")).isEqualTo(4);
		}
	}

	@Test
	void lastModifiedIsReadInTheThreeFormsOfGosParseTime() throws Exception {
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "Last-Modified: " + switch (path) {
			case "/rfc850" -> "Sunday, 06-Nov-94 08:49:37 GMT";
			case "/asctime" -> "Sun Nov  6 08:49:37 1994";
			case "/bad" -> "Sun, 6 Nov 1994 08:49:37 +0000";
			default -> "Sun, 06 Nov 1994 08:49:37 GMT";
		} + "\r\n", "x".getBytes(StandardCharsets.UTF_8)));
		for (String path : new String[] { "/imf", "/rfc850", "/asctime" }) {
			Probe probe = probe("ip6_fallback", this.origin.url(path));
			assertThat(probe.metric("probe_http_last_modified_timestamp_seconds")).as(path).isEqualTo(784111777L);
		}
		Probe bad = probe("ip6_fallback", this.origin.url("/bad"));
		assertThat(bad.outcome().success()).isTrue();
		assertThat(bad.report().value("probe_http_last_modified_timestamp_seconds")).isNull();
	}

}
