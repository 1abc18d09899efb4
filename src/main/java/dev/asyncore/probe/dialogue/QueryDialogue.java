package dev.asyncore.probe.dialogue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.asyncore.chat.Terminator;
import dev.asyncore.chat.TooLongFrameException;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.target.IpText;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsChat;
import dev.asyncore.probe.tls.TlsGauges;
import dev.asyncore.probe.tls.TlsMaterial;
import dev.asyncore.tls.TlsTransport;

/**
 * One stream probe's connection (tcp, or unix over AF_UNIX): blackbox_exporter's {@code query_response}
 * as an asynchat dialogue.
 * Each {@code expect} is a framing step (terminator {@code \n}, lines read until one matches),
 * {@code expect_bytes} a count terminator, {@code send} a push, {@code starttls} a
 * {@link TlsTransport} installed once what was sent has left. Input is bounded: a line may hold
 * 64 KiB less one byte (Go's {@code bufio.Scanner} limit, failing as it fails) and one
 * {@code expect} reads at most {@link #MAX_STEP_BYTES} before it counts as not matched; input that
 * no step waits for is read and dropped. One deadline covers the whole dialogue. The line buffer
 * (reserved at its bound when the first step reads) and the TLS buffers are reserved from the
 * probe's {@link ProbeMemory.Lease}; a refusal fails the probe. Loop thread only.
 */
public final class QueryDialogue extends TlsChat {

	/** Go's {@code bufio.MaxScanTokenSize}: a line and its new line must fit in this. */
	static final int MAX_LINE = 64 * 1024;

	/** Bytes one {@code expect} reads (in lines that do not match) before it fails. */
	static final long MAX_STEP_BYTES = 1024 * 1024;

	private static final byte[] NEW_LINE = { '\n' };

	private enum Phase {
		CONNECTING, HANDSHAKE, LINE, BYTES, FLUSH_FOR_TLS, FLUSH_TO_END, ENDED
	}

	/**
	 * Where and how a dialogue connects.
	 * @param kind the prober's word in log lines: {@code TCP} ("Dialing TCP with TLS") or {@code unix}
	 * @param address an {@link InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
	 * @param family the socket's family for {@code address}
	 * @param source the local address to bind first, or {@code null}
	 * @param tls whether TLS starts at once
	 * @param steps the module's {@code query_response}
	 */
	public record Endpoint(String kind, SocketAddress address, ProtocolFamily family, InetAddress source, boolean tls,
			List<QueryResponse> steps) {
	}

	private final Endpoint probe;

	private final TlsMaterial tls;

	private final String serverName;

	private final QueryScript script;

	private final ProbeReport report;

	private final ProbeLog log;

	private final ProbeMemory.Lease lease;

	private final CompletableFuture<Boolean> result = new CompletableFuture<>();

	private final TlsCapture capture = new TlsCapture();

	private final long started = System.nanoTime();

	private Phase phase = Phase.CONNECTING;

	private TimerHandle deadline;

	private long lineBytes;

	private long stepBytes;

	private String lastLine = "";

	private long connectNanos;

	private long tlsStart;

	private long tlsNanos;

	private boolean lineReserved;

	private boolean tlsReserved;

	private QueryDialogue(Reactor reactor, Endpoint probe, TlsMaterial tls, String serverName, ProbeReport report,
			ProbeLog log, ProbeMemory.Lease lease) {
		super(reactor);
		this.probe = probe;
		this.tls = tls;
		this.serverName = serverName;
		this.report = report;
		this.log = log;
		this.lease = lease;
		this.script = new QueryScript(probe.steps(), report, log);
	}

	/**
	 * Connects to the endpoint's address and runs the dialogue. Loop thread.
	 * @param serverName the name TLS sends and verifies: {@code server_name}, the target's host, or
	 * (unix) the socket's path, as Go's {@code tls.Dial} takes it from the address
	 * @param lease the probe's share of the probe memory
	 * @return whether every step passed; never completes exceptionally
	 */
	public static CompletableFuture<Boolean> start(Reactor reactor, Endpoint endpoint, TlsMaterial tls, String serverName,
			Duration budget, ProbeReport report, ProbeLog log, ProbeMemory.Lease lease, CompletionStage<Void> cancel) {
		QueryDialogue dialogue = new QueryDialogue(reactor, endpoint, tls, serverName, report, log, lease);
		dialogue.deadline = reactor.schedule(budget, dialogue::timedOut);
		log.info("Dialing " + endpoint.kind() + (endpoint.tls() ? " with TLS" : " without TLS"));
		try {
			dialogue.createSocket(endpoint.family());
			InetAddress source = endpoint.source();
			if (source != null) {
				log.info("Using local address", "srcIP", IpText.of(source));
				dialogue.bind(new InetSocketAddress(source, 0));
			}
			dialogue.connect(endpoint.address());
		}
		catch (IOException | RuntimeException ex) {
			dialogue.fail("Error dialing " + endpoint.kind(), ex);
		}
		cancel.thenRun(() -> dialogue.handleError(new IOException("operation was canceled")));
		return dialogue.result;
	}

	// ---------------------------------------------------------------- the dialogue

	@Override
	protected void handleConnect() {
		this.connectNanos = System.nanoTime() - this.started;
		this.log.info("Successfully dialed");
		if (this.probe.tls()) {
			beginTls();
		}
		else {
			drive();
		}
	}

	/** Takes the script's next actions until one has to wait for the peer. */
	private void drive() {
		while (this.phase != Phase.ENDED) {
			QueryScript.Action action = this.script.next();
			if ((action instanceof QueryScript.Expect || action instanceof QueryScript.ExpectBytes) && !reserveLine()) {
				return;
			}
			if (action instanceof QueryScript.Expect) {
				this.phase = Phase.LINE;
				this.lineBytes = 0;
				this.stepBytes = 0;
				setTerminator(NEW_LINE);
				return;
			}
			if (action instanceof QueryScript.ExpectBytes bytes) {
				this.phase = Phase.BYTES;
				setTerminator((long) bytes.count());
				return;
			}
			if (action instanceof QueryScript.Send send) {
				byte[] bytes = send.bytes();
				byte[] line = Arrays.copyOf(bytes, bytes.length + 1);
				line[bytes.length] = '\n'; // as blackbox_exporter's Fprintf("%s\n"), for !!binary values too
				push(line);
				continue;
			}
			setTerminator(Terminator.NONE); // from here on, input is read and dropped
			this.phase = (action instanceof QueryScript.StartTls) ? Phase.FLUSH_FOR_TLS : Phase.FLUSH_TO_END;
			flushed();
			return;
		}
	}

	/** Starts TLS or ends the probe once everything pushed has been written. */
	private void flushed() {
		if (pendingBytes() > 0 || isClosed()) {
			return;
		}
		if (this.phase == Phase.FLUSH_FOR_TLS) {
			beginTls();
		}
		else if (this.phase == Phase.FLUSH_TO_END) {
			end(true);
		}
	}

	/** The line buffer, at its bound, before the first step that reads; {@code false} if refused (the probe failed). */
	private boolean reserveLine() {
		if (!this.lineReserved) {
			try {
				this.lease.reserve(MAX_LINE, "the dialogue's line buffer");
				this.lineReserved = true;
			}
			catch (ProbeMemory.Refused ex) {
				fail("Refused by the probe memory budget", ex);
				return false;
			}
		}
		return true;
	}

	private void beginTls() {
		if (!this.tlsReserved) {
			try {
				this.lease.reserve(ProbeMemory.TLS_BYTES, "the TLS connection's buffers");
				this.tlsReserved = true;
			}
			catch (ProbeMemory.Refused ex) {
				fail("Refused by the probe memory budget", ex);
				return;
			}
		}
		this.phase = Phase.HANDSHAKE;
		this.tlsStart = System.nanoTime();
		try {
			int port = (remoteAddress() instanceof InetSocketAddress inet) ? inet.getPort() : -1;
			startTls(TlsTransport.client((SocketChannel) channel(), this.tls.newContext(this.capture),
					this.serverName, port, this.tls.engineSetup()));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			fail("Failed to create TLS configuration", ex);
		}
	}

	/** The handshake completed: the dialogue goes on. */
	@Override
	protected void tlsEstablished() {
		if (this.phase != Phase.HANDSHAKE) {
			return;
		}
		this.tlsNanos += System.nanoTime() - this.tlsStart;
		this.log.info("TLS Handshake (client) succeeded.");
		TlsGauges.report(this.report, this.capture);
		drive();
	}

	@Override
	public boolean writable() {
		return this.phase == Phase.HANDSHAKE || super.writable();
	}

	@Override
	protected void initiateSend() {
		super.initiateSend();
		if (this.phase == Phase.FLUSH_FOR_TLS || this.phase == Phase.FLUSH_TO_END) {
			flushed();
		}
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		if (this.phase == Phase.LINE) {
			this.lineBytes += data.remaining();
			this.stepBytes += data.remaining();
			if (this.lineBytes >= MAX_LINE) {
				throw new TooLongFrameException("bufio.Scanner: token too long (a line of " + MAX_LINE
						+ " bytes or more without a new line)");
			}
			super.collectIncomingData(data);
		}
		else if (this.phase == Phase.BYTES) {
			super.collectIncomingData(data);
		}
		else {
			data.position(data.limit()); // no step waits for it: dropped, as Go leaves it unread
		}
	}

	@Override
	protected void foundTerminator() {
		if (this.phase == Phase.LINE) {
			byte[] line = line(incomingData());
			this.lineBytes = 0;
			if (this.script.line(line)) {
				drive();
			}
			else if (this.stepBytes > MAX_STEP_BYTES) {
				this.script.noMatch(this.lastLine);
				fail("Error reading from connection", new IOException("no line matched in the first " + MAX_STEP_BYTES
						+ " bytes (asyncore's bound on one expect)"));
			}
		}
		else if (this.phase == Phase.BYTES) {
			byte[] bytes = incomingData();
			if (this.script.bytes(bytes)) {
				drive();
			}
			else {
				end(false);
			}
		}
	}

	/** A line as Go's {@code ScanLines} gives it: without the new line and a {@code \r} before it. */
	private byte[] line(byte[] raw) {
		int length = raw.length;
		if (length > 0 && raw[length - 1] == '\r') {
			length--;
		}
		byte[] line = (length == raw.length) ? raw : Arrays.copyOf(raw, length);
		String text = new String(line, 0, Math.min(line.length, 256), StandardCharsets.UTF_8);
		this.lastLine = text;
		return line;
	}

	/** End of input (or a reset): Go's scanner still yields a last line without a new line. */
	@Override
	protected void handleClose() {
		if (this.phase == Phase.LINE) {
			byte[] rest = incomingData();
			if (rest.length > 0 && this.script.line(line(rest))) {
				drive();
			}
		}
		switch (this.phase) {
			case LINE -> {
				this.script.noMatch(this.lastLine);
				end(false);
			}
			case BYTES -> fail("Error reading from connection", new IOException("EOF (read less data than expected)"));
			case FLUSH_TO_END -> {
				if (isBroken()) {
					fail("Failed to send", new IOException("connection reset by peer"));
				}
				// else: the peer only ended its output; what is queued still goes out
			}
			case CONNECTING -> fail("Error dialing " + this.probe.kind(), new IOException("connection closed"));
			case HANDSHAKE -> fail(handshakeFailure(), new IOException("EOF"));
			case FLUSH_FOR_TLS -> fail("Failed to send", new IOException("connection closed before STARTTLS"));
			case ENDED -> close();
		}
	}

	@Override
	protected void handleError(Throwable error) {
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		fail(switch (this.phase) {
			case CONNECTING -> "Error dialing " + this.probe.kind();
			case HANDSHAKE -> handshakeFailure();
			case LINE, BYTES -> "Error reading from connection";
			default -> "Failed to send";
		}, cause);
	}

	private void timedOut() {
		handleError(new IOException("i/o timeout after " + (System.nanoTime() - this.started) / 1_000_000 + " ms ("
				+ this.phase.name().toLowerCase(Locale.ROOT) + ")"));
	}

	private String handshakeFailure() {
		return (this.probe.tls() && this.tlsNanos == 0) ? "Error dialing " + this.probe.kind() : "TLS Handshake (client) failed";
	}

	private void fail(String message, Throwable cause) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		String why = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		if (this.capture.verifyError() != null) {
			why = why + " (" + this.capture.verifyError() + ")";
		}
		this.log.error(message, "err", why);
		end(false);
	}

	private void end(boolean success) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		this.phase = Phase.ENDED;
		if (this.deadline != null) {
			this.deadline.cancel();
		}
		if (this.probe.family() != StandardProtocolFamily.UNIX) {
			String help = "Duration of tcp probe by phase (asyncore; blackbox_exporter has none)";
			this.report.gauge("probe_tcp_duration_seconds", help, this.connectNanos / 1e9, "phase", "connect");
			this.report.gauge("probe_tcp_duration_seconds", help, this.tlsNanos / 1e9, "phase", "tls");
		}
		close();
		this.result.complete(success);
	}

	/** Closed from outside (the loop shutting down): the probe fails rather than hanging. */
	@Override
	public void close() {
		super.close();
		if (this.phase != Phase.ENDED) {
			fail("Error reading from connection", new IOException("connection closed by the loop"));
		}
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", phase=").append(this.phase);
	}

}
