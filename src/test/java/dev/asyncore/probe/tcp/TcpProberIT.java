package dev.asyncore.probe.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

import static dev.asyncore.probe.tcp.ScriptedServer.reader;
import static dev.asyncore.probe.tcp.ScriptedServer.write;
import static org.assertj.core.api.Assertions.assertThat;

/** The tcp prober on a real loop against loopback servers that talk, stall, flood or speak TLS. */
@Timeout(60)
class TcpProberIT {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	@TempDir
	static Path dir;

	private static SSLContext serverTls;

	private static Path caFile;

	private static final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private ReactorThread loop;

	private TcpProber prober;

	@BeforeAll
	static void certificates() throws Exception {
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		serverTls = TestCertificates.serving(store);
		caFile = TestCertificates.writePem(store, dir.resolve("ca.pem"));
	}

	@AfterAll
	static void stopLookups() {
		lookups.shutdownNow();
	}

	@BeforeEach
	void start() {
		this.loop = new ReactorThread("tcp-prober-it");
		this.prober = new TcpProber(this.loop.reactor(), InetAddress::getAllByName, lookups,
				FetchPolicy.builder().allowPrivateNetworks(true).build(), new ProbeMemory(ProbeMemory.defaultMax()));
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
	}

	private record Result(boolean success, ProbeReport report, ProbeLog log, long millis) {

		Double value(String name) {
			return this.report.value(name);
		}

		String text() {
			return this.report.render();
		}

		String logText() {
			return String.join("\n", this.log.lines());
		}

	}

	private Result probe(String moduleYaml, String target) throws Exception {
		Module<?> module = ModuleFile.parse("modules:\n  m:\n" + moduleYaml.indent(4), null, KINDS).module("m");
		return probe(module, target);
	}

	private Result probe(Module<?> module, String target) throws Exception {
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", target);
		long start = System.nanoTime();
		CompletableFuture<Boolean> outcome = this.loop
			.call(() -> this.prober.run(module.options(TcpOptions.KIND), target, module.effectiveTimeout(0, Duration.ZERO),
					report, log));
		boolean success = outcome.get(30, TimeUnit.SECONDS);
		// the report is filled on the loop thread: read it there too
		return this.loop.call(() -> new Result(success, report, log, (System.nanoTime() - start) / 1_000_000));
	}

	@Test
	void anSshLikeBannerMatches() throws Exception {
		try (ScriptedServer ssh = new ScriptedServer(s -> {
			write(s, "SSH-2.0-OpenSSH_9.2p1 Debian\r\n");
			reader(s).readLine();
		})) {
			Result r = probe("""
					prober: tcp
					timeout: 5s
					tcp:
					  query_response:
					    - expect: "^SSH-2.0-"
					""", ssh.target());
			assertThat(r.success()).as(r.logText()).isTrue();
			assertThat(r.value("probe_failed_due_to_regex")).isEqualTo(0.0);
			assertThat(r.value("probe_ip_protocol")).isEqualTo(4.0);
			assertThat(r.value("probe_ip_addr_hash")).isEqualTo(3668918509.0);
			assertThat(r.text()).contains("probe_dns_lookup_time_seconds", "probe_tcp_duration_seconds{phase=\"connect\"}",
					"probe_tcp_duration_seconds{phase=\"tls\"} 0");
			assertThat(r.logText()).contains("Regexp matched");
		}
	}

	@Test
	void capturesOfTheMatchGoIntoTheNextSendAndTheExpectInfoLabels() throws Exception {
		try (ScriptedServer irc = new ScriptedServer(s -> {
			BufferedReader in = reader(s);
			write(s, ":irc.local NOTICE * :hello\r\nPING :tok-" + s.getPort() + "\r\n");
			String answer = in.readLine();
			write(s, answer.equals("PONG tok-" + s.getPort()) ? "OK " + answer + "\n" : "BAD " + answer + "\n");
		})) {
			Result ok = probe("""
					prober: tcp
					timeout: 5s
					tcp:
					  query_response:
					    - expect: "^PING :(?P<token>[^ ]+)"
					      send: "PONG ${token}"
					    - expect: "^(OK|BAD) PONG (.+)$"
					      labels:
					        - {name: verdict, value: "${1}"}
					        - {name: answer, value: "got $2"}
					""", irc.target());
			assertThat(ok.success()).as(ok.logText()).isTrue();
			assertThat(ok.text()).containsPattern("probe_expect_info\\{answer=\"got tok-\\d+\",verdict=\"OK\"} 1");
		}
	}

	@Test
	void aBinarySendGoesOutAsItsBytesAndItsNewLine() throws Exception {
		// upstream's postgresql module: send: !!binary AAAACATSFi8= is PostgreSQL's SSLRequest (issue 26)
		try (ScriptedServer server = new ScriptedServer(s -> {
			byte[] request = s.getInputStream().readNBytes(9);
			write(s, java.util.Arrays.equals(request, new byte[] { 0, 0, 0, 8, 4, (byte) 0xD2, 0x16, 0x2F, '\n' })
					? "S\n" : "N\n");
		})) {
			Result r = probe("""
					prober: tcp
					timeout: 5s
					tcp:
					  query_response:
					    - send: !!binary AAAACATSFi8=
					    - expect: "^S$"
					""", server.target());
			assertThat(r.success()).as(r.logText()).isTrue();
			assertThat(r.logText()).contains("0000000804d2162f").doesNotContain("[B@");
		}
	}

	@Test
	void aLineThatNeverMatchesBeforeTheEndFailsDueToRegex() throws Exception {
		try (ScriptedServer server = new ScriptedServer(s -> write(s, "220 wrong banner\r\nlast line without end"))) {
			Result r = probe("prober: tcp\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", server.target());
			assertThat(r.success()).isFalse();
			assertThat(r.value("probe_failed_due_to_regex")).isEqualTo(1.0);
			assertThat(r.logText()).contains("Regexp did not match", "last line without end");
		}
		try (ScriptedServer server = new ScriptedServer(s -> write(s, "220 wrong\r\nSSH-2.0-at-eof"))) {
			Result r = probe("prober: tcp\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", server.target());
			assertThat(r.success()).as("Go's scanner yields the last line at EOF").isTrue();
		}
	}

	@Test
	void expectBytesComparesExactly() throws Exception {
		try (ScriptedServer server = new ScriptedServer(s -> {
			s.getOutputStream().write(new byte[] { 'R', 'F', 'B', ' ' });
			reader(s).readLine();
		})) {
			Result ok = probe("prober: tcp\ntcp:\n  query_response:\n    - expect_bytes: \"RFB \"\n", server.target());
			assertThat(ok.success()).as(ok.logText()).isTrue();
			assertThat(ok.value("probe_failed_due_to_bytes")).isEqualTo(0.0);
			Result bad = probe("prober: tcp\ntcp:\n  query_response:\n    - expect_bytes: \"RFC \"\n", server.target());
			assertThat(bad.success()).isFalse();
			assertThat(bad.value("probe_failed_due_to_bytes")).isEqualTo(1.0);
		}
	}

	@Test
	void smtpWithStartTlsVerifiesTheCertificateAndReportsIt() throws Exception {
		try (ScriptedServer smtp = new ScriptedServer(TcpProberIT::smtp)) {
			String module = """
					prober: tcp
					timeout: 5s
					tcp:
					  query_response:
					    - expect: "^220 ([^ ]+) ESMTP (.+)$"
					    - send: "EHLO prober\\r"
					    - expect: "^250-STARTTLS"
					    - send: "STARTTLS\\r"
					    - expect: "^220"
					    - starttls: true
					    - send: "EHLO prober\\r"
					    - expect: "^250-AUTH"
					    - send: "QUIT\\r"
					  tls_config:
					    ca_file: CA
					    server_name: localhost
					""".replace("CA", caFile.toString());
			Result r = probe(module, smtp.target());
			assertThat(r.success()).as(r.logText() + smtp.failures).isTrue();
			assertThat(r.value("probe_ssl_earliest_cert_expiry")).isGreaterThan(System.currentTimeMillis() / 1000.0);
			assertThat(r.text()).containsPattern("probe_tls_version_info\\{version=\"TLS 1\\.[23]\"} 1")
				.contains("probe_ssl_last_chain_info{fingerprint_sha256=", "probe_ssl_last_chain_expiry_timestamp_seconds")
				.doesNotContain("probe_tcp_duration_seconds{phase=\"tls\"} 0\n");
			assertThat(r.logText()).contains("TLS Handshake (client) succeeded.");
			// the certificate is for localhost: another name fails verification
			Result wrong = probe(module.replace("server_name: localhost", "server_name: mx.example"), smtp.target());
			assertThat(wrong.success()).isFalse();
			assertThat(wrong.logText()).contains("TLS Handshake (client) failed");
		}
	}

	/** An SMTP server that offers STARTTLS and wants EHLO again under TLS. */
	private static void smtp(Socket plain) throws Exception {
		BufferedReader in = reader(plain);
		write(plain, "220 mx.local ESMTP test\r\n");
		if (!in.readLine().startsWith("EHLO")) {
			return;
		}
		write(plain, "250-mx.local\r\n250-STARTTLS\r\n250 OK\r\n");
		if (!in.readLine().startsWith("STARTTLS")) {
			return;
		}
		write(plain, "220 2.0.0 Ready to start TLS\r\n");
		SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
		tls.setUseClientMode(false);
		tls.startHandshake();
		BufferedReader secure = reader(tls);
		if (secure.readLine().startsWith("EHLO")) {
			write(tls, "250-mx.local\r\n250-AUTH PLAIN\r\n250 OK\r\n");
			secure.readLine();
		}
		tls.close();
	}

	/** A TLS server that greets each connection with an IMAP banner and reads one line; closing it stops it. */
	private static ServerSocket imapOverTls() throws IOException {
		ServerSocket tlsServer = serverTls.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
		Thread serve = new Thread(() -> {
			while (!tlsServer.isClosed()) {
				try (Socket s = tlsServer.accept()) {
					write(s, "* OK IMAP ready\r\n");
					reader(s).readLine();
				}
				catch (Exception ex) {
					// the probe closed first, or the test ended
				}
			}
		});
		serve.setDaemon(true);
		serve.start();
		return tlsServer;
	}

	@Test
	void tlsFromTheStartReportsTheChain() throws Exception {
		try (ServerSocket tlsServer = imapOverTls()) {
			Result r = probe("prober: tcp\ntcp:\n  tls: true\n  tls_config: {ca_file: " + caFile + "}\n  query_response:\n    - expect: \"^\\\\* OK\"\n",
					"localhost:" + tlsServer.getLocalPort());
			assertThat(r.success()).as(r.logText()).isTrue();
			assertThat(r.text()).contains("probe_ssl_last_chain_info", "probe_tls_version_info");
		}
	}

	@Test
	void minAndMaxVersionLimitTheProtocolsTheProbeOffers() throws Exception {
		// the server speaks TLS 1.3 and 1.2; without the limit the handshake settles on 1.3
		try (ServerSocket tlsServer = imapOverTls()) {
			String module = "prober: tcp\ntcp:\n  tls: true\n  tls_config: {ca_file: " + caFile
					+ ", LIMIT}\n  query_response:\n    - expect: \"^\\\\* OK\"\n";
			Result twelve = probe(module.replace("LIMIT", "max_version: TLS12"), "localhost:" + tlsServer.getLocalPort());
			assertThat(twelve.success()).as(twelve.logText()).isTrue();
			assertThat(twelve.text()).contains("probe_tls_version_info{version=\"TLS 1.2\"} 1");
			Result thirteen = probe(module.replace("LIMIT", "min_version: TLS13"), "localhost:" + tlsServer.getLocalPort());
			assertThat(thirteen.success()).as(thirteen.logText()).isTrue();
			assertThat(thirteen.text()).contains("probe_tls_version_info{version=\"TLS 1.3\"} 1");
		}
	}

	@Test
		void theLineBufferAndTheTlsBuffersAreReservedFromTheProbeMemoryBudget() throws Exception {
		ProbeMemory memory = new ProbeMemory(1 << 20);
		ProbeMemory.Lease[] hogs = { memory.lease(), memory.lease(), memory.lease(), memory.lease() };
		for (ProbeMemory.Lease hog : hogs) {
			hog.reserve(memory.share() - 10_000, "the test's hog"); // 40,000 bytes left: no line buffer fits
		}
		this.prober = new TcpProber(this.loop.reactor(), InetAddress::getAllByName, lookups,
				FetchPolicy.builder().allowPrivateNetworks(true).build(), memory);
		String banner = "prober: tcp\ntimeout: 5s\ntcp:\n  query_response:\n    - expect: \"^SSH-2.0-\"\n";
		try (ScriptedServer ssh = new ScriptedServer(s -> {
			write(s, "SSH-2.0-OpenSSH_9.2p1 Debian\r\n");
			reader(s).readLine();
		})) {
			Result refused = probe(banner, ssh.target());
			assertThat(refused.success()).isFalse();
			assertThat(refused.logText()).contains("Refused by the probe memory budget",
					"probe memory: the dialogue's line buffer needs 65536 more bytes; probes hold 1008576 of the 1048576-byte");
			Result tls = probe("prober: tcp\ntcp:\n  tls: true\n  tls_config: {ca_file: " + caFile + "}\n", "localhost:" + ssh.port());
			assertThat(tls.success()).isFalse();
			assertThat(tls.logText()).contains("probe memory: the TLS connection's buffers needs 65536 more bytes");
			assertThat(memory.used()).isEqualTo(4 * (memory.share() - 10_000));
			hogs[0].close();
			Result fits = probe(banner, ssh.target());
			assertThat(fits.success()).as(fits.logText()).isTrue();
			assertThat(memory.used()).isEqualTo(3 * (memory.share() - 10_000));
		}
	}

	@Test
	void aServerThatNeverAnswersFailsAtTheTimeoutButConnectsForTcpConnect() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer silent = new ScriptedServer(s -> release.await(30, TimeUnit.SECONDS))) {
			Result r = probe("prober: tcp\ntimeout: 1s\ntcp:\n  query_response:\n    - expect: \"^220\"\n", silent.target());
			assertThat(r.success()).isFalse();
			assertThat(r.millis()).isBetween(900L, 10_000L);
			assertThat(r.value("probe_failed_due_to_regex")).as("a read error, not a mismatch, as in Go").isEqualTo(0.0);
			assertThat(r.logText()).contains("Error reading from connection", "i/o timeout");
			Result connect = probe(ModuleFile.defaults(KINDS).module("tcp_connect"), silent.target());
			assertThat(connect.success()).as(connect.logText()).isTrue();
			release.countDown();
		}
	}

	@Test
	void aClosedPortOrABadTargetFails() throws Exception {
		int port;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		Result refused = probe(ModuleFile.defaults(KINDS).module("tcp_connect"), "127.0.0.1:" + port);
		assertThat(refused.success()).isFalse();
		assertThat(refused.logText()).contains("Error dialing TCP");
		Result noPort = probe(ModuleFile.defaults(KINDS).module("tcp_connect"), "127.0.0.1");
		assertThat(noPort.success()).isFalse();
		assertThat(noPort.logText()).contains("missing port in address");
		assertThat(noPort.text()).contains("probe_failed_due_to_regex 0").doesNotContain("probe_ip_protocol");
	}

	@Test
	void anEmptyHostIsNoSuchHostAsGosResolverSaysNotTheLoopback() throws Exception {
		// blackbox_exporter 0.23 looks ":port" up and Go refuses the empty name (TestTCPConnectionFails's ":0");
		// blackbox-cases-e2e.sh found ours dialing the loopback instead, which a listener there answered
		try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Result empty = probe(ModuleFile.defaults(KINDS).module("tcp_connect"), ":" + listener.getLocalPort());
			assertThat(empty.success()).isFalse();
			assertThat(empty.logText()).contains("Error resolving address", "lookup : no such host");
			assertThat(empty.text()).contains("probe_ip_protocol 0");
		}
	}

	@Test
	void anEndlessLineFailsWithGosReasonAndTheLoopServesTheNextProbe() throws Exception {
		AtomicLong written = new AtomicLong();
		try (ScriptedServer endless = new ScriptedServer(s -> flood(s, (byte) 'x', 0, written))) {
			Result r = probe("prober: tcp\ntimeout: 20s\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", endless.target());
			assertThat(r.success()).isFalse();
			assertThat(r.millis()).as("fails at the bound, not the timeout").isLessThan(15_000L);
			assertThat(r.logText()).contains("token too long");
		}
		assertThat(written.get()).as("the prober stopped reading").isLessThan(1L << 30);
		try (ScriptedServer ssh = new ScriptedServer(s -> write(s, "SSH-2.0-next\r\n"))) {
			Result next = probe("prober: tcp\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", ssh.target());
			assertThat(next.success()).as(next.logText()).isTrue();
		}
	}

	@Test
	void aGibibyteOfLinesThatNeverMatchFailsAtTheStepBound() throws Exception {
		AtomicLong written = new AtomicLong();
		try (ScriptedServer flood = new ScriptedServer(s -> flood(s, (byte) 'y', 1024, written))) {
			Result r = probe("prober: tcp\ntimeout: 20s\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", flood.target());
			assertThat(r.success()).isFalse();
			assertThat(r.millis()).isLessThan(15_000L);
			assertThat(r.value("probe_failed_due_to_regex")).isEqualTo(1.0);
			assertThat(r.logText()).contains("no line matched in the first 1048576 bytes");
		}
		assertThat(written.get()).isLessThan(1L << 30);
		try (ScriptedServer ssh = new ScriptedServer(s -> write(s, "SSH-2.0-next\r\n"))) {
			assertThat(probe("prober: tcp\ntcp:\n  query_response:\n    - expect: \"^SSH-\"\n", ssh.target()).success()).isTrue();
		}
	}

	/** Writes up to 1 GiB of {@code fill}, with a new line every {@code lineLength} bytes (0: none), until the peer goes. */
	private static void flood(Socket s, byte fill, int lineLength, AtomicLong written) {
		byte[] chunk = new byte[64 * 1024];
		Arrays.fill(chunk, fill);
		if (lineLength > 0) {
			for (int i = lineLength - 1; i < chunk.length; i += lineLength) {
				chunk[i] = '\n';
			}
		}
		try {
			OutputStream out = s.getOutputStream();
			while (written.get() < (1L << 30)) {
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
		}
		catch (IOException ex) {
			// the prober closed: what it was meant to do
		}
	}

	@Test
	void sourceIpAddressIsTheLocalAddress() throws Exception {
		AtomicReference<String> seen = new AtomicReference<>();
		try (ScriptedServer server = new ScriptedServer(s -> {
			seen.set(s.getInetAddress().getHostAddress());
			write(s, "hi\n");
		})) {
			Result r = probe("prober: tcp\ntcp:\n  source_ip_address: 127.0.0.1\n  preferred_ip_protocol: ip4\n"
					+ "  query_response:\n    - expect: \"^hi\"\n", server.target());
			assertThat(r.success()).as(r.logText()).isTrue();
			assertThat(seen.get()).isEqualTo("127.0.0.1");
			Result noFallback = probe("prober: tcp\ntcp:\n  preferred_ip_protocol: ip6\n  ip_protocol_fallback: false\n",
					server.target());
			assertThat(noFallback.success()).as("127.0.0.1 has no IPv6 address").isFalse();
			assertThat(noFallback.logText()).contains("Resolution with IP protocol failed");
		}
	}

	@Test
	void thePolicyRefusesWhatHttpProbesMayNotReach() throws Exception {
		TcpProber strict = this.loop.call(() -> new TcpProber(this.loop.reactor(), InetAddress::getAllByName, lookups,
				FetchPolicy.builder().build(), new ProbeMemory(ProbeMemory.defaultMax())));
		ProbeReport report = new ProbeReport();
		ProbeLog log = new ProbeLog("m", "t");
		boolean success = this.loop.call(() -> strict.run(ModuleFile.defaults(KINDS).module("tcp_connect").options(TcpOptions.KIND), "127.0.0.1:22",
				Duration.ofSeconds(2), report, log)).get(10, TimeUnit.SECONDS);
		assertThat(success).isFalse();
		assertThat(String.join("\n", log.lines())).contains("refused by the blackbox policy");
	}

	@Test
	void namesAreLookedUpOffTheLoop() throws Exception {
		try (ScriptedServer server = new ScriptedServer(s -> write(s, "hello\n"))) {
			Result r = probe("prober: tcp\ntcp:\n  preferred_ip_protocol: ip4\n  query_response:\n    - expect: hello\n",
					"localhost:" + server.port());
			assertThat(r.success()).as(r.logText()).isTrue();
			assertThat(r.value("probe_ip_protocol")).isEqualTo(4.0);
			assertThat(new String("ok".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("ok");
		}
	}

}
