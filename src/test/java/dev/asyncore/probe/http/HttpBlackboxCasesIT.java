package dev.asyncore.probe.http;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.http.HttpBodyIT.Probe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single cases of blackbox_exporter 0.23's http prober against a loopback origin: the IP family of
 * a literal target, the date forms of {@code Last-Modified}, and what a body over {@code body_size_limit}
 * reports (each case's metrics as the real blackbox_exporter 0.23 gave them for the same origin).
 */
@Timeout(60)
class HttpBlackboxCasesIT {

	private static final String MODULES = """
			modules:
			  ip6_only: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip6, ip_protocol_fallback: false}}
			  ip6_fallback: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip6}}
			  ip4_only: {prober: http, timeout: 5s, http: {preferred_ip_protocol: ip4, ip_protocol_fallback: false}}
			  agent: {prober: http, timeout: 5s, http: {headers: {User-Agent: "Blackbox Exporter/0.23.0"}}}
			  limit: {prober: http, timeout: 5s, http: {body_size_limit: 128B}}
			  limit_gzip: {prober: http, timeout: 5s, http: {body_size_limit: 128B, compression: gzip}}
			  limit_match: {prober: http, timeout: 5s, http: {body_size_limit: 128B, fail_if_body_not_matches_regexp: [A]}}
			""";

	@RegisterExtension
	final ProbeFixture fixture = new ProbeFixture("http-cases-it", MODULES);

	private Origin origin;

	@Test
	void anIpv4LiteralWithIp6PreferredAndNoFallbackFailsBeforeConnecting() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> Origin.respond(out, "", new byte[0]));
		Probe only6 = this.fixture.probe("ip6_only", this.origin.url("/"));
		assertThat(only6.outcome().success()).isFalse();
		assertThat(only6.metric("probe_ip_protocol")).isZero();
		assertThat(only6.metric("probe_ip_addr_hash")).isZero();
		assertThat(only6.metric("probe_http_status_code")).isZero();
		assertThat(only6.logText()).contains("Resolution with IP protocol failed",
				"address 127.0.0.1: no suitable address found");
		assertThat(this.origin.connections()).isZero();

		for (String module : new String[] { "ip6_fallback", "ip4_only" }) {
			Probe fine = this.fixture.probe(module, this.origin.url("/"));
			assertThat(fine.outcome().success()).as(module + ": " + fine.logText()).isTrue();
			assertThat(fine.metric("probe_ip_protocol")).isEqualTo(4);
		}
	}

	@Test
	void lastModifiedIsReadInTheThreeFormsOfGosParseTime() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> Origin.respond(out, "Last-Modified: " + switch (path) {
			case "/rfc850" -> "Sunday, 06-Nov-94 08:49:37 GMT";
			case "/asctime" -> "Sun Nov  6 08:49:37 1994";
			case "/bad" -> "Sun, 6 Nov 1994 08:49:37 +0000";
			default -> "Sun, 06 Nov 1994 08:49:37 GMT";
		} + "\r\n", "x".getBytes(StandardCharsets.UTF_8)));
		for (String path : new String[] { "/imf", "/rfc850", "/asctime" }) {
			Probe probe = this.fixture.probe("ip6_fallback", this.origin.url(path));
			assertThat(probe.metric("probe_http_last_modified_timestamp_seconds")).as(path).isEqualTo(784111777L);
		}
		Probe bad = this.fixture.probe("ip6_fallback", this.origin.url("/bad"));
		assertThat(bad.outcome().success()).isTrue();
		assertThat(bad.report().value("probe_http_last_modified_timestamp_seconds")).isNull();
	}

	@Test
	void overBodySizeLimitTheResponseIsReportedAsBlackboxExportersMaxResponseLengthCases() throws Exception {
		byte[] shortBody = "A".repeat(127).getBytes(StandardCharsets.UTF_8);
		byte[] longBody = "A".repeat(129).getBytes(StandardCharsets.UTF_8);
		byte[] shortGzip = BodyDecoderTest.gzip(shortBody);
		byte[] longGzip = BodyDecoderTest.gzip(longBody);
		this.origin = this.fixture.serve((out, path, origin) -> {
			switch (path) {
				case "/short" -> Origin.respond(out, "", shortBody);
				case "/long" -> Origin.respond(out, "", longBody);
				case "/short-gzip" -> Origin.respond(out, "Content-Encoding: gzip\r\n", shortGzip);
				case "/long-gzip" -> Origin.respond(out, "Content-Encoding: gzip\r\n", longGzip);
				default -> out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n81\r\n"
						+ "A".repeat(129) + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			}
		});
		record Case(String module, String path, boolean success, double contentLength, double uncompressed) {
		}
		for (Case c : new Case[] { new Case("limit", "/short", true, 127, 127), new Case("limit", "/long", false, 129, 128),
				new Case("limit_gzip", "/short-gzip", true, shortGzip.length, 127),
				new Case("limit_gzip", "/long-gzip", false, longGzip.length, 128),
				new Case("limit", "/chunked", false, -1, 128), new Case("limit_match", "/long", false, 129, 128) }) {
			Probe probe = this.fixture.probe(c.module(), this.origin.url(c.path()));
			String what = c.module() + " " + c.path() + "\n" + probe.logText() + "\n" + probe.report().render();
			assertThat(probe.outcome().success()).as(what).isEqualTo(c.success());
			assertThat(probe.metric("probe_http_status_code")).as(what).isEqualTo(200);
			assertThat(probe.metric("probe_http_content_length")).as(what).isEqualTo(c.contentLength());
			assertThat(probe.metric("probe_http_uncompressed_body_length")).as(what).isEqualTo(c.uncompressed());
			assertThat(probe.metric("probe_failed_due_to_regex")).as(what).isEqualTo(c.module().equals("limit_match") ? 1 : 0);
		}
	}

	@Test
	void theDefaultUserAgentIsOursAndAModuleHeaderReplacesIt() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> Origin.respond(out, "", new byte[0]));
		assertThat(this.fixture.probe("ip6_fallback", this.origin.url("/")).outcome().success()).isTrue();
		assertThat(this.fixture.probe("agent", this.origin.url("/")).outcome().success()).isTrue();
		assertThat(this.origin.heads()).hasSize(2);
		assertThat(this.origin.heads().get(0)).contains("\r\nUser-Agent: " + Fetcher.DEFAULT_USER_AGENT + "\r\n");
		assertThat(this.origin.heads().get(1)).contains("\r\nUser-Agent: Blackbox Exporter/0.23.0\r\n")
			.containsOnlyOnce("User-Agent");
	}

}
