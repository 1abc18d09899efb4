package dev.asyncore.probe.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

import dev.cel.runtime.CelEvaluationException;

import dev.asyncore.http.FetchException;
import dev.asyncore.http.HttpDate;
import dev.asyncore.http.RequestOptions;
import dev.asyncore.http.ResponseHead;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;

/**
 * Judges a response by a module's options in blackbox_exporter's order (status, headers, body,
 * HTTP version, TLS) and sets the response gauges, also for a response whose body failed (as
 * blackbox_exporter reports what answered before it says the body could not be read). Loop thread
 * only; one per probe.
 */
final class HttpJudge {

	static final String FAILED_DUE_TO_CEL = "probe_failed_due_to_cel";

	static final String FAILED_DUE_TO_CEL_HELP = "Indicates if probe failed due to CEL expression not matching";

	private final HttpOptions http;

	private final ProbeLog log;

	private final HttpGauges metrics;

	HttpJudge(HttpOptions http, ProbeLog log, HttpGauges metrics) {
		this.http = http;
		this.log = log;
		this.metrics = metrics;
	}

	/**
	 * @param hops every hop of the fetch, the final response's last
	 * @param body the final response's body as the probe read it
	 * @param failure why its body could not be read to the end, or {@code null}
	 */
	boolean judge(List<RequestOptions.Hop> hops, ProbeBody body, Throwable failure) {
		RequestOptions.Hop last = hops.get(hops.size() - 1);
		ResponseHead head = last.head();
		int status = head.status();
		this.log.info("Received HTTP response", "status_code", status);
		boolean redirect = status >= 300 && status < 400 && head.headers().firstValue("Location").isPresent();
		// a redirect that ends the fetch (not followed, or past the limit) is, as Go's client returns it,
		// counted, its body closed unread (length 0, unreadable to fail_if_body_*) and not an error
		boolean notFollowed = redirect
				&& (!this.http.followRedirects() || failure instanceof FetchException.TooManyRedirects);
		for (RequestOptions.Hop hop : hops.subList(0, hops.size() - (notFollowed ? 0 : 1))) {
			this.log.info("Received redirect", "location", hop.head().headers().firstValue("Location").orElse(""));
		}
		if (notFollowed) {
			this.log.info("Not following redirect");
		}
		int redirects = hops.size() - 1 + (notFollowed ? 1 : 0);
		this.metrics.gauge("probe_http_redirects", "The number of redirects", redirects);
		this.metrics.gauge("probe_http_status_code", "Response HTTP status code", status);
		long contentLength = head.headers().firstValueAsLong("Content-Length").orElse(-1);
		this.metrics.gauge("probe_http_content_length", "Length of http content response", contentLength);
		head.headers().firstValue("Last-Modified").ifPresent(this::lastModified);
		boolean success = this.http.validStatus(status);
		if (!success) {
			this.log.error("Invalid HTTP response status code", "status_code", status, "valid_status_codes",
					this.http.validStatusCodes().isEmpty() ? "2xx" : this.http.validStatusCodes());
		}
		if (success && (!this.http.failIfHeaderMatches().isEmpty() || !this.http.failIfHeaderNotMatches().isEmpty())) {
			success = headersMatch(head);
			this.metrics.gauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex", success ? 0 : 1);
		}
		this.metrics.gauge("probe_http_uncompressed_body_length", "Length of uncompressed response body",
				notFollowed ? 0 : body.length());
		if (notFollowed) {
			if (success && this.http.needsBody()) {
				this.log.error("Error reading HTTP body", "err", "http: read on closed response body");
				bodyUnread();
				success = false;
			}
		}
		else if (failure != null) {
			this.log.error("Failed to read HTTP response body", "err", failure.getMessage());
			if (success && this.http.needsBody()) {
				bodyUnread();
			}
			success = false;
		}
		else if (success && this.http.needsBody()) {
			if (this.http.needsRegexps()) {
				success = bodyMatches(body);
				this.metrics.gauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex", success ? 0 : 1);
			}
			if (success && this.http.cel().any()) {
				success = celMatches(body);
				this.metrics.gauge(FAILED_DUE_TO_CEL, FAILED_DUE_TO_CEL_HELP, success ? 0 : 1);
			}
		}
		String version = last.head().version();
		this.metrics.gauge("probe_http_version", "Returns the version of HTTP of the probe response",
				Double.parseDouble(version.substring(5)));
		if (success && !this.http.validHttpVersions().isEmpty() && !this.http.validHttpVersions().contains(version)) {
			this.log.error("Invalid HTTP version number", "version", version);
			success = false;
		}
		boolean ssl = last.https();
		this.metrics.gauge("probe_http_ssl", "Indicates if SSL was used for the final redirect", ssl ? 1 : 0);
		if (ssl && this.http.failIfSsl()) {
			this.log.error("Final request was over SSL");
			success = false;
		}
		else if (!ssl && this.http.failIfNotSsl()) {
			this.log.error("Final request was not over SSL");
			success = false;
		}
		return success;
	}

	private void lastModified(String value) {
		long seconds = HttpDate.parse(value);
		if (seconds != HttpDate.NONE) {
			this.metrics.gauge("probe_http_last_modified_timestamp_seconds",
					"Returns the Last-Modified HTTP response header in unixtime", seconds);
		}
		else {
			this.log.error("Error parsing last-modified header", "value", value);
		}
	}

	private boolean headersMatch(ResponseHead result) {
		for (HeaderMatch rule : this.http.failIfHeaderMatches()) {
			List<String> values = result.headers().allValues(rule.header());
			if (values.isEmpty()) {
				if (!allowedMissing(rule)) {
					return false;
				}
				continue;
			}
			for (String value : values) {
				if (rule.regexp().matcher(value).find()) {
					this.log.error("Header matched regular expression", "header", rule.header(), "regexp", rule.regexp(),
							"value_count", values.size());
					return false;
				}
			}
		}
		for (HeaderMatch rule : this.http.failIfHeaderNotMatches()) {
			List<String> values = result.headers().allValues(rule.header());
			if (values.isEmpty()) {
				if (!allowedMissing(rule)) {
					return false;
				}
				continue;
			}
			if (values.stream().noneMatch(v -> rule.regexp().matcher(v).find())) {
				this.log.error("Header did not match regular expression", "header", rule.header(), "regexp",
						rule.regexp(), "value_count", values.size());
				return false;
			}
		}
		return true;
	}

	private boolean allowedMissing(HeaderMatch rule) {
		if (!rule.allowMissing()) {
			this.log.error("Missing required header", "header", rule.header());
		}
		return rule.allowMissing();
	}

	/** The first body check that would have read the body fails: the regular expressions', else CEL's. */
	private void bodyUnread() {
		if (this.http.needsRegexps()) {
			this.metrics.gauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex", 1);
		}
		else {
			this.metrics.gauge(FAILED_DUE_TO_CEL, FAILED_DUE_TO_CEL_HELP, 1);
		}
	}

	/** blackbox_exporter's {@code matchCELExpressions}: the body parsed as JSON, then each expression. */
	private boolean celMatches(ProbeBody kept) {
		Object json;
		try (InputStream in = kept.json()) {
			json = BodyCel.parseJson(in);
		}
		catch (ProbeMemory.Refused ex) {
			this.log.error("Error reading HTTP body", "err", ex.getMessage());
			return false;
		}
		catch (IOException ex) {
			this.log.error("Error unmarshalling HTTP body to JSON", "err", ex.getMessage());
			return false;
		}
		BodyCel cel = this.http.cel();
		return (cel.matches() == null || celCheck(cel.matches(), json, true))
				&& (cel.notMatches() == null || celCheck(cel.notMatches(), json, false));
	}

	/** Whether {@code expression} passes: evaluates to a boolean other than {@code failWhen}. */
	private boolean celCheck(BodyCel.Expression expression, Object json, boolean failWhen) {
		Object result;
		try {
			result = BodyCel.evaluate(expression, json);
		}
		catch (CelEvaluationException ex) {
			this.log.error("Error evaluating CEL expression", "err", ex.getMessage());
			return false;
		}
		if (!(result instanceof Boolean matched)) {
			this.log.error("CEL evaluation result is not a boolean", "details", String.valueOf(result));
			return false;
		}
		if (matched == failWhen) {
			this.log.error(failWhen ? "Body matched CEL expression" : "Body did not match CEL expression",
					"expression", expression.text());
			return false;
		}
		return true;
	}

	private boolean bodyMatches(ProbeBody kept) {
		CharSequence body;
		try {
			body = kept.text();
		}
		catch (ProbeMemory.Refused ex) {
			this.log.error("Error reading HTTP body", "err", ex.getMessage());
			return false;
		}
		for (Pattern pattern : this.http.failIfBodyMatches()) {
			if (pattern.matcher(body).find()) {
				this.log.error("Body matched regular expression", "regexp", pattern);
				return false;
			}
		}
		for (Pattern pattern : this.http.failIfBodyNotMatches()) {
			if (!pattern.matcher(body).find()) {
				this.log.error("Body did not match regular expression", "regexp", pattern);
				return false;
			}
		}
		return true;
	}

}
