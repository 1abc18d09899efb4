package dev.asyncore.boot.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.asyncore.boot.Loopback;
import dev.asyncore.boot.reactor.ReactorLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong passwords cannot starve right ones: 400 wrong basic logins from one address, sent from 32
 * threads at once, and once they are under way another address logs in with the right password, on
 * the reactor's {@code /probe} and on the Spring MVC side. The flood's bcrypt rounds are bounded (each {@code 401}
 * is one; the rest are {@code 429} with {@code Retry-After} before any round), and the right login
 * is answered. Addresses are 127.0.0.x, all loopback on Linux, one pair per test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.location=classpath:/", "asyncore.listeners[0].name=blackbox",
				"asyncore.listeners[0].type=blackbox", "asyncore.listeners[0].host=127.0.0.1",
				"asyncore.listeners[0].port=0",
				"asyncore.security.users[0].name=" + Caller.USER,
				"asyncore.security.users[0].password-hash=" + Caller.PASSWORD_HASH,
				"asyncore.security.users[1].name=baseline",
				"asyncore.security.users[1].password-hash=" + Caller.PASSWORD_HASH })
@Timeout(180)
class LoginBackoffIT {

	private static final int FLOOD = 400;

	private static final int THREADS = 32;

	/** Flood answers before the right login is sent: each thread's first, and as many again. */
	private static final int UNDER_WAY = 2 * THREADS;

	@LocalServerPort
	int httpPort;

	@Autowired
	ReactorLifecycle reactor;

	@Test
	void whenOneAddressFloodsWrongPasswordsThenAProbeFromAnotherWithTheRightOneIsAnswered() throws Exception {
		int port = this.reactor.listener("blackbox").port();
		String path = "/probe?target=" + URLEncoder.encode(CountingOrigin.get().url(), StandardCharsets.UTF_8);
		Outcome outcome = flood("127.0.0.3", "127.0.0.2", port, path);
		assertThat(outcome.right.status).as(outcome.right.raw).isEqualTo(200);
		assertThat(outcome.right.raw).contains("probe_success 1");
		outcome.assertBounded();
	}

	@Test
	void whenOneAddressFloodsWrongPasswordsThenTheHttpApiAnswersAnotherWithTheRightOne() throws Exception {
		Outcome outcome = flood("127.0.0.5", "127.0.0.4", this.httpPort, "/actuator/reactor");
		assertThat(outcome.right.status).as(outcome.right.raw).isEqualTo(200);
		outcome.assertBounded();
		Answer throttled = outcome.flood.stream().filter((a) -> a.status == 429).findFirst().orElseThrow();
		assertThat(throttled.raw).contains("application/problem+json", "urn:asyncore:security:login-backoff");
	}

	/**
	 * Sends {@link #FLOOD} wrong logins from {@code attacker} (distinct passwords, so no two share a
	 * round) and, once {@link #UNDER_WAY} of them were answered, the right one from {@code client};
	 * before the flood, a right login of another user alone, as the baseline.
	 */
	private Outcome flood(String attacker, String client, int port, String path) throws Exception {
		long alone = System.nanoTime();
		Answer baseline = get(client, port, path, basic("baseline", Caller.PASSWORD)); // its own bcrypt round
		long baselineMillis = (System.nanoTime() - alone) / 1_000_000;
		assertThat(baseline.status).as(baseline.raw).isEqualTo(200);
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			CompletableFuture<Void> go = new CompletableFuture<>();
			AtomicInteger answered = new AtomicInteger();
			CompletableFuture<Void> underWay = new CompletableFuture<>();
			List<CompletableFuture<Answer>> wrong = new ArrayList<>();
			for (int i = 0; i < FLOOD; i++) {
				String authorization = basic(Caller.USER, "wrong-" + i);
				wrong.add(CompletableFuture.supplyAsync(() -> {
					go.join();
					Answer answer = get(attacker, port, path, authorization);
					if (answered.incrementAndGet() == UNDER_WAY) {
						underWay.complete(null);
					}
					return answer;
				}, threads));
			}
			long start = System.nanoTime();
			go.complete(null);
			underWay.get(120, TimeUnit.SECONDS); // every flood thread has had its turn and is sending again
			long sent = System.nanoTime();
			Answer right = get(client, port, path, basic(Caller.USER, Caller.PASSWORD));
			long rightMillis = (System.nanoTime() - sent) / 1_000_000;
			List<Answer> answers = new ArrayList<>();
			for (CompletableFuture<Answer> answer : wrong) {
				answers.add(answer.get(120, TimeUnit.SECONDS));
			}
			long floodMillis = (System.nanoTime() - start) / 1_000_000;
			Outcome outcome = new Outcome(right, answers, floodMillis);
			// the figures of src/docs/reliability.md
			System.out.printf("login flood on port %d %s: a right login alone %d ms; under the flood %d %d ms; %d wrong "
					+ "answered in %d ms: %s%n", port, path.substring(0, path.indexOf('?') < 0 ? path.length() : path.indexOf('?')),
					baselineMillis, right.status, rightMillis, FLOOD, floodMillis, outcome.statuses());
			return outcome;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** One request on its own connection from {@code from} (a loopback address) to 127.0.0.1. */
	private static Answer get(String from, int port, String path, String authorization) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), Loopback.READ_TIMEOUT_MILLIS);
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
					+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return new Answer(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A raw answer: its status and the whole text. */
	private static final class Answer {

		final String raw;

		final int status;

		Answer(String raw) {
			this.raw = raw;
			this.status = raw.startsWith("HTTP/1.1 ") ? Integer.parseInt(raw.substring(9, 12)) : 0;
		}

	}

	private record Outcome(Answer right, List<Answer> flood, long millis) {

		Map<Integer, Long> statuses() {
			Map<Integer, Long> counts = new TreeMap<>();
			this.flood.forEach((a) -> counts.merge(a.status, 1L, Long::sum));
			return counts;
		}

		/**
		 * Each 401 of the flood was a bcrypt round: at most the burst, and one more per refill interval
		 * the flood lasted; every other wrong login was answered 429 with a Retry-After.
		 */
		void assertBounded() {
			long refills = this.millis / (60_000 / LoginBackoff.PER_MINUTE) + 1;
			assertThat(statuses().keySet()).as(statuses().toString()).containsOnly(401, 429);
			assertThat(statuses().get(401)).as(statuses().toString()).isBetween(1L, LoginBackoff.BURST + refills);
			assertThat(this.flood).filteredOn((a) -> a.status == 429)
				.allSatisfy((a) -> assertThat(a.raw).containsPattern("(?i)Retry-After: [1-9]"));
		}

	}

}
