package dev.asyncore.boot.fetch;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.asyncore.boot.Prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /fetch} over HTTP against in-process HTTP and HTTPS origins: results, problems, limits. */
class FetchApiIT extends FetchServiceITBase {

	private static final byte[] HELLO = "hello, asyncore\n".getBytes(StandardCharsets.UTF_8);

	@Test
	void whenGettingAnHttpPageThenTheAnswerDescribesItWithoutTheBody() throws Exception {
		String before = this.api.path("/actuator/prometheus").body;
		Api.Answer answer = this.api.get(this.origins.http("/hello"));

		assertThat(answer.status).as(answer.body).isEqualTo(200);
		assertThat(answer.contentType()).startsWith("application/json");
		Map<String, Object> json = answer.json();
		assertThat(json).containsEntry("url", this.origins.http("/hello"))
			.containsEntry("status", 200)
			.containsEntry("reason", "OK")
			.containsEntry("version", "HTTP/1.1")
			.containsEntry("bodySize", HELLO.length)
			.containsEntry("sha256", sha256(HELLO))
			.containsEntry("redirects", List.of())
			.doesNotContainKeys("body", "bodyEncoding", "certificateNotAfter");
		assertThat(json.get("remoteAddress").toString()).contains("127.0.0.1");
		assertThat(headers(json).keySet()).anyMatch((name) -> name.equalsIgnoreCase("content-type"));
		@SuppressWarnings("unchecked")
		Map<String, Number> timings = (Map<String, Number>) json.get("timings");
		assertThat(timings).containsOnlyKeys("dnsMs", "connectMs", "tlsMs", "firstByteMs", "totalMs");
		assertThat(timings.get("totalMs").doubleValue()).isPositive();
		await().untilAsserted(() -> {
			String after = this.api.path("/actuator/prometheus").body;
			assertThat(count(after, "asyncore_fetch_requests_total", "outcome", "success", "status", "200"))
				.isGreaterThan(count(before, "asyncore_fetch_requests_total", "outcome", "success", "status", "200"));
			assertThat(Prometheus.value(after, "asyncore_fetch_duration_seconds_count", "phase", "first_byte"))
				.isPositive();
			assertThat(after).contains("asyncore_fetch_duration_seconds_bucket{phase=\"total\"");
		});
	}

	@Test
	void whenGettingAnHttpsPageWithBodyThenTextBodyAndCertificateExpiryAreShown() {
		Map<String, Object> json = this.api.get(this.origins.https("/hello"), "body=true").json();

		assertThat(json).containsEntry("status", 200)
			.containsEntry("body", "hello, asyncore\n")
			.containsEntry("bodyEncoding", "text")
			.containsEntry("bodyTruncated", false);
		assertThat(json.get("certificateNotAfter").toString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
	}

	@Test
	void whenBodyIsBinaryThenItIsBase64AndCutAtTheInlineCapWhileSizeAndHashCoverAll() throws Exception {
		Map<String, Object> json = this.api.get(this.origins.http("/bytes?n=1000"), "body=true").json();

		byte[] all = Origins.bytes(1000);
		assertThat(json).containsEntry("bodyEncoding", "base64")
			.containsEntry("bodyTruncated", true)
			.containsEntry("bodySize", 1000)
			.containsEntry("sha256", sha256(all));
		assertThat(Base64.getDecoder().decode((String) json.get("body"))).isEqualTo(Arrays.copyOf(all, 100));
	}

	@Test
	void whenTheOriginRedirectsThenTheChainAndFinalUrlAreShown() {
		String target = this.origins.http("/hello");
		String start = this.origins.http("/redirect?to=" + target);
		Map<String, Object> json = this.api.get(start).json();

		assertThat(json).containsEntry("url", target).containsEntry("redirects", List.of(start));
	}

	@Test
	void whenTheOriginAnswers404ThenTheFetchSucceedsWithThatStatus() {
		Api.Answer answer = this.api.get(this.origins.http("/missing"));

		assertThat(answer.status).isEqualTo(200);
		assertThat(answer.json()).containsEntry("status", 404).containsEntry("reason", "Not Found");
	}

	@Test
	void whenTheUrlIsInvalidOrNotHttpThen400ProblemDetail() {
		for (String url : List.of("ftp://" + Origins.HOST + "/", "http://exa mple.org/", "not a url", "",
				"http://user:secret@" + Origins.HOST + "/")) {
			Api.Answer answer = this.api.get(url);
			assertProblem(answer, 400, "invalid_url");
			assertThat(answer.json()).containsEntry("title", "Invalid URL").containsEntry("url", url);
		}
		Api.Answer missing = this.api.path("/fetch");
		assertThat(missing.status).isEqualTo(400);
		assertThat(missing.contentType()).startsWith("application/problem+json");
		assertThat(missing.body).contains("url");
	}

	@Test
	void whenThePolicyRefusesThen403ProblemDetail() {
		Api.Answer answer = this.api.get("http://127.0.0.1:" + this.origins.trapPort() + "/");

		assertProblem(answer, 403, "refused");
		assertThat(answer.json()).containsEntry("title", "Refused by the fetch policy");
		assertThat((String) answer.json().get("detail")).contains("127.0.0.1", "allowed hosts");
	}

	@Test
	void whenTheUpstreamFailsThen502ProblemDetailNamingTheFailure() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		assertProblem(this.api.get("http://" + Origins.HOST + ":" + closed + "/"), 502, "connect");
		assertProblem(this.api.get("http://" + Origins.HOST + ":" + this.origins.garbagePort() + "/"), 502,
				"protocol");
		// https to a server that answers in plain text: the handshake fails
		assertProblem(this.api.get("https://" + Origins.HOST + ":" + this.origins.garbagePort() + "/"), 502, "tls");
		assertProblem(this.api.get("http://unknown.origin.test/"), 502, "dns");
	}

	@Test
	void whenTheUpstreamStallsPastTheReadTimeoutThen504ProblemDetail() {
		this.origins.release = new CountDownLatch(1);
		try {
			Api.Answer answer = this.api.get(this.origins.http("/hold"));

			assertProblem(answer, 504, "timeout");
			assertThat(answer.json()).containsEntry("phase", "read").containsEntry("title", "Upstream timeout");
		}
		finally {
			this.origins.release.countDown();
		}
	}

	@Test
	void whenTheBodyIsOverTheCapThen413ProblemDetail() {
		Api.Answer answer = this.api.get(this.origins.http("/bytes?n=100000"));

		assertProblem(answer, 413, "too_large");
		assertThat((String) answer.json().get("detail")).contains("65536");
	}

	@Test
	void whenPostingABatchThenResultsComeInInputOrderWithAProblemPerFailedUrl() throws Exception {
		List<String> urls = List.of(this.origins.http("/hello"), "ftp://" + Origins.HOST + "/",
				this.origins.https("/hello"), "http://127.0.0.1:" + this.origins.trapPort() + "/",
				this.origins.http("/bytes?n=100000"), this.origins.http("/missing"));
		Api.Answer answer = this.api.post(urls);

		assertThat(answer.status).as(answer.body).isEqualTo(200);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> results = (List<Map<String, Object>>) answer.json().get("results");
		assertThat(results).extracting((r) -> r.get("url")).containsExactlyElementsOf(urls);
		assertThat(results).extracting((r) -> r.get("ok")).containsExactly(true, false, true, false, false, true);
		assertThat(result(results.get(0))).containsEntry("status", 200).containsEntry("sha256", sha256(HELLO));
		assertThat(problem(results.get(1))).containsEntry("status", 400)
			.containsEntry("type", "urn:asyncore:fetch:invalid_url");
		assertThat(result(results.get(2)).get("certificateNotAfter")).isNotNull();
		assertThat(problem(results.get(3))).containsEntry("status", 403);
		assertThat(problem(results.get(4))).containsEntry("status", 413);
		assertThat(result(results.get(5))).containsEntry("status", 404);
		assertThat(this.origins.trapped.get()).isZero();
	}

	@Test
	void whenABatchIsEmptyOrMalformedThen400ProblemDetail() {
		assertThat(this.api.postJson("{\"urls\": []}").status).isEqualTo(400);
		Api.Answer malformed = this.api.postJson("{\"urls\": ");
		assertThat(malformed.status).isEqualTo(400);
		assertThat(malformed.contentType()).startsWith("application/problem+json");
	}

	@Test
	void whenMaxConcurrentFetchesAreInFlightThenTheNextGets503WithRetryAfterAndSlotsComeBack() throws Exception {
		this.origins.release = new CountDownLatch(1);
		int held = this.origins.holding.get();
		List<CompletableFuture<Api.Answer>> inFlight = new ArrayList<>();
		try {
			// /trickle sends a byte every 200 ms: the fetches stay in flight, below the 1 s read timeout
			for (int i = 0; i < 6; i++) {
				inFlight.add(this.api.getAsync(this.origins.http("/trickle")));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> this.origins.holding.get() - held == 6);

			Api.Answer refused = this.api.get(this.origins.http("/hello"));
			Api.Answer batch = this.api.post(List.of(this.origins.http("/hello")));

			assertThat(refused.status).as(refused.body).isEqualTo(503);
			assertThat(refused.response.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(refused.contentType()).startsWith("application/problem+json");
			assertThat((String) refused.json().get("detail")).contains("max-concurrent=6");
			assertThat(batch.status).isEqualTo(503);
		}
		finally {
			this.origins.release.countDown();
		}
		for (CompletableFuture<Api.Answer> answer : inFlight) {
			Api.Answer done = answer.get(10, TimeUnit.SECONDS);
			assertThat(done.status).as(done.body).isEqualTo(200);
		}
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.api.get(this.origins.http("/hello")).status).isEqualTo(200));
		List<String> overLimit = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			overLimit.add(this.origins.http("/hello"));
		}
		Api.Answer tooMany = this.api.post(overLimit);
		assertThat(tooMany.status).isEqualTo(400);
		assertThat(tooMany.body).contains("At most 6 URLs");
	}

	static void assertProblem(Api.Answer answer, int status, String outcome) {
		assertThat(answer.status).as(answer.toString()).isEqualTo(status);
		assertThat(answer.contentType()).startsWith("application/problem+json");
		assertThat(answer.json()).containsEntry("status", status)
			.containsEntry("type", "urn:asyncore:fetch:" + outcome)
			.containsKeys("title", "detail");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> headers(Map<String, Object> json) {
		return (Map<String, Object>) json.get("headers");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> result(Map<String, Object> item) {
		return (Map<String, Object>) item.get("result");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> problem(Map<String, Object> item) {
		return (Map<String, Object>) item.get("problem");
	}

	private static double count(String exposition, String name, String... labels) {
		try {
			return Prometheus.value(exposition, name, labels);
		}
		catch (AssertionError ex) {
			return 0; // not yet registered
		}
	}

	static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
