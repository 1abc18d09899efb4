package dev.asyncore.probe.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.asyncore.probe.http.HttpBodyIT.Probe;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects as blackbox_exporter 0.23 follows them (Go's http.Client): at most ten, the eleventh
 * returned as the answer; a redirect not followed is counted with its body unread; relative
 * locations resolved by RFC 3986; cookies kept per probe across hops.
 */
@Timeout(60)
class HttpRedirectIT {

	private static final String MODULES = """
			modules:
			  follow: {prober: http, timeout: 10s}
			  follow_302: {prober: http, timeout: 10s, http: {valid_status_codes: [302]}}
			  stay: {prober: http, timeout: 10s, http: {follow_redirects: false, valid_status_codes: [302]}}
			  stay_match: {prober: http, timeout: 10s, http: {follow_redirects: false, valid_status_codes: [302], fail_if_body_not_matches_regexp: [moved]}}
			""";

	@RegisterExtension
	final ProbeFixture fixture = new ProbeFixture("http-redirect-it", MODULES);

	private Origin origin;

	static void redirect(OutputStream out, int status, String location, String extraHeaders) throws IOException {
		String body = "moved";
		out.write(("HTTP/1.1 " + status + " Found\r\nLocation: " + location + "\r\nContent-Length: " + body.length()
				+ "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
	}

	/** Paths each request asked for, in order. */
	private List<String> paths() {
		return this.origin.heads().stream().map(h -> h.substring(h.indexOf(' ') + 1, h.indexOf(" HTTP/"))).toList();
	}

	@Test
	void pastTenRedirectsTheEleventhIsTheAnswerWithItsStatusAndCount() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> {
			int n = path.startsWith("/hop-") ? Integer.parseInt(path.substring(5)) : 0;
			if (n == 12) {
				Origin.respond(out, "", "never asked".getBytes(StandardCharsets.UTF_8));
			}
			else {
				redirect(out, 302, "/hop-" + (n + 1), "");
			}
		});
		Probe probe = this.fixture.probe("follow", this.origin.url("/"));
		assertThat(probe.outcome().success()).isFalse();
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(11);
		assertThat(probe.metric("probe_http_status_code")).isEqualTo(302);
		assertThat(probe.metric("probe_http_content_length")).isEqualTo(5);
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isZero();
		assertThat(probe.logText()).contains("Not following redirect").doesNotContain("Error for HTTP request");
		assertThat(paths()).hasSize(11).last().isEqualTo("/hop-10");

		// Go's client returns the eleventh with a nil-body error that blackbox_exporter does not judge
		Probe accepted = this.fixture.probe("follow_302", this.origin.url("/"));
		assertThat(accepted.outcome().success()).as(accepted.logText()).isTrue();
		assertThat(accepted.metric("probe_http_redirects")).isEqualTo(11);
	}

	@Test
	void aRedirectNotFollowedCountsOneWithItsBodyUnread() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> redirect(out, 302, "/elsewhere", ""));
		Probe probe = this.fixture.probe("stay", this.origin.url("/"));
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(1);
		assertThat(probe.metric("probe_http_status_code")).isEqualTo(302);
		assertThat(probe.metric("probe_http_content_length")).isEqualTo(5);
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isZero();
		assertThat(paths()).containsExactly("/");

		Probe matched = this.fixture.probe("stay_match", this.origin.url("/"));
		assertThat(matched.outcome().success()).isFalse();
		assertThat(matched.metric("probe_failed_due_to_regex")).isEqualTo(1);
		assertThat(matched.logText()).contains("Error reading HTTP body");
	}

	@Test
	void aFollowedRedirectIsCountedAndTheFinalResponseJudged() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> {
			if (path.equals("/")) {
				redirect(out, 302, "/final", "");
			}
			else {
				Origin.respond(out, "", "done".getBytes(StandardCharsets.UTF_8));
			}
		});
		Probe probe = this.fixture.probe("follow", this.origin.url("/"));
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(1);
		assertThat(probe.metric("probe_http_status_code")).isEqualTo(200);
		assertThat(probe.metric("probe_http_uncompressed_body_length")).isEqualTo(4);
	}

	@Test
	void aRelativeLocationResolvesByRfc3986KeepingTheBasePath() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> {
			switch (path) {
				case "/dir/page" -> redirect(out, 302, "?x=1", "");
				case "/dir/page?x=1" -> redirect(out, 301, "../up/./there#frag", "");
				case "/up/there" -> redirect(out, 307, "//127.0.0.1:" + origin.port() + "/abs", "");
				default -> Origin.respond(out, "", path.getBytes(StandardCharsets.UTF_8));
			}
		});
		Probe probe = this.fixture.probe("follow", this.origin.url("/dir/page"));
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(paths()).containsExactly("/dir/page", "/dir/page?x=1", "/up/there", "/abs");
		assertThat(probe.metric("probe_http_redirects")).isEqualTo(3);
	}

	@Test
	void cookiesSetOnARedirectGoToTheNextHopOfTheSameProbeOnly() throws Exception {
		this.origin = this.fixture.serve((out, path, origin) -> {
			switch (path) {
				case "/" -> redirect(out, 302, "/d/next", "Set-Cookie: a=1\r\nSet-Cookie: b=2; Path=/d\r\nSet-Cookie: s=3; Secure\r\n");
				case "/d/next" -> redirect(out, 302, "/other?x", "Set-Cookie: c=4; Path=/\r\n");
				case "/other?x" -> redirect(out, 302, "http://localhost:" + origin.port() + "/elsewhere", "");
				default -> Origin.respond(out, "", "done".getBytes(StandardCharsets.UTF_8));
			}
		});
		Probe probe = this.fixture.probe("follow", this.origin.url("/"));
		assertThat(probe.outcome().success()).as(probe.logText()).isTrue();
		assertThat(cookies()).containsExactly("/ -", "/d/next b=2; a=1", "/other?x a=1; c=4", "/elsewhere -");

		Probe again = this.fixture.probe("follow", this.origin.url("/d/next"));
		assertThat(again.outcome().success()).isTrue();
		assertThat(cookies()).as("a new jar per probe").endsWith("/d/next -", "/other?x c=4", "/elsewhere -");
	}

	/** Each request's path and its Cookie header ({@code -} for none), in order. */
	private List<String> cookies() {
		return this.origin.heads().stream().map(h -> {
			String path = h.substring(h.indexOf(' ') + 1, h.indexOf(" HTTP/"));
			return path + " " + h.lines().filter(l -> l.regionMatches(true, 0, "Cookie:", 0, 7))
				.map(l -> l.substring(7).strip()).findFirst().orElse("-");
		}).toList();
	}

}
