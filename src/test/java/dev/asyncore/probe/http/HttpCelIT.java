package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fail_if_body_json_matches_cel} and {@code fail_if_body_json_not_matches_cel} on a real loop
 * against a loopback origin, in the cases of blackbox_exporter 0.28's {@code TestFailIfBodyMatchesCEL}
 * and {@code TestFailIfBodyNotMatchesCEL}: each case's success, {@code probe_failed_due_to_cel} and the
 * body's lengths.
 */
@Timeout(120)
class HttpCelIT {

	/** One upstream case: the body served, the expression, and whether the probe succeeds. */
	record Case(String name, String body, String expression, boolean success) {
	}

	private static final List<Case> MATCHES = List.of(
			new Case("expression matches", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar == 'baz'", false),
			new Case("expression does not match", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar == 'qux'", true),
			new Case("does not match with empty object", "{}", "body.foo.bar == 'qux'", false),
			new Case("result not boolean", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar", false),
			new Case("body is not json", "hello world", "body.foo.bar == 'baz'", false),
			new Case("body is empty json object", "{}", "body.foo.bar == 'baz'", false),
			new Case("body is json string", "\"foo\"", "body == 'foo'", false),
			new Case("body is json list", "[\"foo\",\"bar\",\"baz\"]", "body[2] == 'baz'", false),
			new Case("body is json boolean", "true", "body", false),
			new Case("body is empty", "", "body.foo.bar == 'baz'", false),
			new Case("body is emoji", "🤠🤠🤠", "body.foo.bar == 'baz'", false),
			new Case("json with emojis", "{\"foo\": {\"bar\": \"🤠🤠🤠\"}}", "body.foo.bar == '😿😿😿'", true));

	private static final List<Case> NOT_MATCHES = List.of(
			new Case("matches", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar == 'baz'", true),
			new Case("does not match", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar == 'qux'", false),
			new Case("does not match with empty object", "{}", "body.foo.bar == 'qux'", false),
			new Case("result not boolean", "{\"foo\": {\"bar\": \"baz\"}}", "body.foo.bar", false),
			new Case("body is not json", "hello world", "body.foo.bar == 'baz'", false),
			new Case("body is empty json object", "{}", "!has(body.foo)", true),
			new Case("body is json string", "\"foo\"", "body == 'foo'", true),
			new Case("body is json list", "[\"foo\",\"bar\",\"baz\"]", "body[2] == 'baz'", true),
			new Case("body is json boolean", "true", "body", true),
			new Case("body is empty", "", "body.foo.bar == 'baz'", false),
			new Case("body is emoji", "🤠🤠🤠", "body.foo.bar == 'baz'", false),
			new Case("json with emojis", "{\"foo\": {\"bar\": \"🤠🤠🤠\"}}", "body.foo.bar == '🤠🤠🤠'", true),
			// ours: numbers are doubles as in Go, null is CEL's null, trailing data is not JSON
			new Case("a number compares as a double", "{\"n\": 1}", "body.n == 1.0 && body.n == 1", true),
			new Case("null is null", "{\"x\": null}", "body.x == null", true),
			new Case("trailing data", "{} {}", "true", false));

	private final ReactorThread loop = new ReactorThread("http-cel-it");

	private Origin origin;

	@AfterEach
	void stop() throws Exception {
		if (this.origin != null) {
			this.origin.close();
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

	private HttpProber prober() throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		return this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(), policy,
				InetAddress::getAllByName, new ProbeMemory(256L << 20)));
	}

	private static String module(String name, String key, String expression, String more) {
		return "  " + name + ": {prober: http, timeout: 10s, http: {" + key + ": \"" + expression + "\"" + more + "}}\n";
	}

	@Test
	void upstreamsCelCasesAgree() throws Exception {
		List<Case> cases = new ArrayList<>(MATCHES);
		cases.addAll(NOT_MATCHES);
		StringBuilder modules = new StringBuilder("modules:\n");
		for (int i = 0; i < cases.size(); i++) {
			String key = (i < MATCHES.size()) ? "fail_if_body_json_matches_cel" : "fail_if_body_json_not_matches_cel";
			modules.append(module("m" + i, key, cases.get(i).expression(), ""));
		}
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "",
				cases.get(Integer.parseInt(path.substring(1))).body().getBytes(StandardCharsets.UTF_8)));
		HttpProber prober = prober();
		for (int i = 0; i < cases.size(); i++) {
			Case each = cases.get(i);
			String what = ((i < MATCHES.size()) ? "matches_cel: " : "not_matches_cel: ") + each.name();
			HttpBodyIT.Probe probe = HttpBodyIT.probe(prober, modules.toString(), "m" + i, null, this.origin.url("/" + i));
			int length = each.body().getBytes(StandardCharsets.UTF_8).length;
			assertThat(probe.outcome().success()).as(what + "\n" + probe.logText()).isEqualTo(each.success());
			assertThat(probe.metric("probe_failed_due_to_cel")).as(what).isEqualTo(each.success() ? 0 : 1);
			assertThat(probe.metric("probe_http_content_length")).as(what).isEqualTo(length);
			assertThat(probe.metric("probe_http_uncompressed_body_length")).as(what).isEqualTo(length);
		}
	}

	@Test
	void eachFailureIsLoggedWithUpstreamsWords() throws Exception {
		String modules = "modules:\n" + module("bad_json", "fail_if_body_json_matches_cel", "false", "")
				+ module("missing", "fail_if_body_json_not_matches_cel", "body.foo.bar == 1", "")
				+ module("not_bool", "fail_if_body_json_not_matches_cel", "body.foo", "")
				+ module("matched", "fail_if_body_json_matches_cel", "body.foo == 'x'", "")
				+ module("both", "fail_if_body_json_matches_cel", "body.foo == 'y'",
						", fail_if_body_json_not_matches_cel: \"body.foo == 'x'\"");
		this.origin = new Origin((out, path, origin) -> Origin.respond(out, "",
				(path.equals("/text") ? "not json" : "{\"foo\": \"x\"}").getBytes(StandardCharsets.UTF_8)));
		HttpProber prober = prober();
		assertThat(HttpBodyIT.probe(prober, modules, "bad_json", null, this.origin.url("/text")).logText())
			.contains("Error unmarshalling HTTP body to JSON");
		assertThat(HttpBodyIT.probe(prober, modules, "missing", null, this.origin.url("/")).logText())
			.contains("Error evaluating CEL expression");
		assertThat(HttpBodyIT.probe(prober, modules, "not_bool", null, this.origin.url("/")).logText())
			.contains("CEL evaluation result is not a boolean");
		assertThat(HttpBodyIT.probe(prober, modules, "matched", null, this.origin.url("/")).logText())
			.contains("Body matched CEL expression", "expression=\"body.foo == 'x'\"");
		HttpBodyIT.Probe both = HttpBodyIT.probe(prober, modules, "both", null, this.origin.url("/"));
		assertThat(both.outcome().success()).as(both.logText()).isTrue();
		assertThat(both.metric("probe_failed_due_to_cel")).isZero();
	}

	@Test
	void aBodyThatCannotBeReadFailsTheCelCheckAndRegexpsComeFirst() throws Exception {
		String modules = "modules:\n" + module("limited", "fail_if_body_json_not_matches_cel", "true", ", body_size_limit: 4B")
				+ module("redirect", "fail_if_body_json_not_matches_cel", "true", ", follow_redirects: false, valid_status_codes: [302]")
				+ module("regexp_first", "fail_if_body_json_not_matches_cel", "true",
						", fail_if_body_not_matches_regexp: [absent]")
				+ "  plain: {prober: http, timeout: 10s}\n";
		this.origin = new Origin((out, path, origin) -> {
			if (path.equals("/redirect")) {
				out.write("HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
					.getBytes(StandardCharsets.ISO_8859_1));
			}
			else {
				Origin.respond(out, "", "{\"long\": true}".getBytes(StandardCharsets.UTF_8));
			}
		});
		HttpProber prober = prober();
		HttpBodyIT.Probe limited = HttpBodyIT.probe(prober, modules, "limited", null, this.origin.url("/"));
		assertThat(limited.outcome().success()).isFalse();
		assertThat(limited.metric("probe_failed_due_to_cel")).isEqualTo(1);
		assertThat(limited.metric("probe_failed_due_to_regex")).isZero();
		HttpBodyIT.Probe redirect = HttpBodyIT.probe(prober, modules, "redirect", null, this.origin.url("/redirect"));
		assertThat(redirect.outcome().success()).isFalse();
		assertThat(redirect.metric("probe_failed_due_to_cel")).isEqualTo(1);
		HttpBodyIT.Probe regexpFirst = HttpBodyIT.probe(prober, modules, "regexp_first", null, this.origin.url("/"));
		assertThat(regexpFirst.outcome().success()).isFalse();
		assertThat(regexpFirst.metric("probe_failed_due_to_regex")).isEqualTo(1);
		assertThat(regexpFirst.metric("probe_failed_due_to_cel")).isZero(); // registered, not evaluated
		HttpBodyIT.Probe plain = HttpBodyIT.probe(prober, modules, "plain", null, this.origin.url("/"));
		assertThat(plain.report().value("probe_failed_due_to_cel")).as("only a module with CEL has it").isNull();
	}

}
