package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats.Counter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exporter's port stays open to Prometheus while peers send slowly: a full listener closes the
 * connection that has waited longest without a whole request to let a fresh one in, and a request's
 * head and body each have a deadline that dripping bytes does not extend.
 */
@Timeout(60)
class SlowlorisIT {

	private ExporterFixture fixture;

	private final List<Socket> sockets = new ArrayList<>();

	private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() throws Exception {
		this.drip.shutdownNow();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.fixture.close();
	}

	private Socket connect() throws IOException {
		Socket socket = this.fixture.connect();
		this.sockets.add(socket);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	private static String closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "127.0.0.1:" + socket.getLocalPort();
		}
	}

	@Test
	void aListenerFullOfSlowHeadsClosesTheOldestToLetAFreshProbeIn() throws Exception {
		this.fixture = new ExporterFixture("slowloris-it", 64, 50);
		int slow = 300;
		for (int i = 0; i < slow; i++) {
			send(connect(), "GET /probe?module=tcp_open&target=");
		}
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.stats.get(Counter.ACCEPTS) >= slow);
		assertThat(this.fixture.stats.activeConnections()).isLessThanOrEqualTo(50);
		long start = System.nanoTime();
		String answer = this.fixture.exchange(ExporterFixture.get("/probe?module=tcp_open&target=" + closedPort()));
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.printf("slowloris: %d slow heads against max-connections 50: %d evicted, %d rejected; a fresh /probe"
				+ " answered %s in %d ms%n", slow, this.fixture.stats.get(Counter.EVICTIONS),
				this.fixture.stats.get(Counter.REJECTED), answer.substring(0, answer.indexOf('\r')), millis);
		assertThat(answer).startsWith("HTTP/1.1 200 ").contains("probe_success 0");
		assertThat(millis).isLessThan(3_000);
		assertThat(this.fixture.stats.get(Counter.REJECTED)).isZero();
		assertThat(this.fixture.stats.get(Counter.EVICTIONS)).isGreaterThanOrEqualTo(slow - 50 + 1);
		assertThat(ExporterFixture.peerClosed(this.sockets.get(0))).as("the oldest was closed").isTrue();
		assertThat(ExporterFixture.peerClosed(this.sockets.get(slow - 1))).as("the newest is open").isFalse();
	}

	@Test
	void aConnectionAnsweringAProbeIsNeverTheOneClosed() throws Exception {
		this.fixture = new ExporterFixture("slowloris-busy-it", 64, 10);
		try (ExporterFixture.SilentTarget silent = new ExporterFixture.SilentTarget()) {
			Socket busy = connect();
			send(busy, ExporterFixture.get("/probe?module=tcp_open&target=" + silent.hostPort(),
					"X-Prometheus-Scrape-Timeout-Seconds: 3"));
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.exporter.inFlight() == 1);
			for (int i = 0; i < 40; i++) {
				send(connect(), "GET /");
			}
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.stats.get(Counter.ACCEPTS) >= 41);
			String answer = ExporterFixture.readAll(busy);
			assertThat(answer).startsWith("HTTP/1.1 200 ").contains("probe_success 0");
			assertThat(this.fixture.stats.get(Counter.EVICTIONS)).isGreaterThanOrEqualTo(31);
		}
	}

	@Test
	void aHeadOrABodyThatDoesNotArriveInTimeIsCutOffThoughBytesKeepComing() throws Exception {
		this.fixture = new ExporterFixture("slowloris-deadline-it", 8, 0,
				new RequestDeadlines(Duration.ofMillis(500), Duration.ofMillis(800)));
		long start = System.nanoTime();
		String quiet = ExporterFixture.readAll(connect());
		long quietMillis = (System.nanoTime() - start) / 1_000_000;
		assertThat(quiet).as("nothing sent, nothing answered").isEmpty();
		assertThat(quietMillis).isBetween(400L, 3_000L);

		Socket dripping = connect();
		send(dripping, "GET /-/healthy HTTP/1.1\r\n");
		this.drip.scheduleAtFixedRate(() -> {
			try {
				send(dripping, "X-Drip: 1\r\n");
			}
			catch (IOException ex) {
				// cut off, as expected
			}
		}, 100, 100, TimeUnit.MILLISECONDS);
		start = System.nanoTime();
		String cut = ExporterFixture.readAll(dripping);
		long dripMillis = (System.nanoTime() - start) / 1_000_000;
		System.out.printf("request deadlines (head 500 ms): a silent connection closed after %d ms, a head dripped every"
				+ " 100 ms cut with 408 after %d ms%n", quietMillis, dripMillis);
		assertThat(cut).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("request head not received within 500 ms");
		assertThat(dripMillis).isLessThan(3_000L);

		Socket body = connect();
		send(body, "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
		assertThat(ExporterFixture.readAll(body)).startsWith("HTTP/1.1 408 ")
			.contains("request body not received within 800 ms");
		assertThat(this.fixture.stats.get(Counter.TIMEOUTS)).isEqualTo(3);

		// between requests only the listener's idle timeout runs: a keep-alive connection idle for
		// longer than the head's deadline is served
		Socket keepAlive = connect();
		send(keepAlive, "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n");
		assertThat(readUntil(keepAlive, "Healthy\n")).startsWith("HTTP/1.1 200 ");
		Awaitility.await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(5)).until(() -> stillOpen(keepAlive));
		send(keepAlive, "GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		assertThat(ExporterFixture.readAll(keepAlive)).startsWith("HTTP/1.1 200 ").contains("Healthy");
		assertThat(this.fixture.stats.get(Counter.TIMEOUTS)).isEqualTo(3);
	}

	private static String readUntil(Socket socket, String end) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder text = new StringBuilder();
		while (!text.toString().endsWith(end)) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			text.append((char) b);
		}
		return text.toString();
	}

	/** No byte and no end of stream within 50 ms. */
	private static boolean stillOpen(Socket socket) throws IOException {
		int timeout = socket.getSoTimeout();
		socket.setSoTimeout(50);
		try {
			socket.getInputStream().read();
			return false; // a byte, or the end of stream: not an idle open connection
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
		finally {
			socket.setSoTimeout(timeout);
		}
	}

}
