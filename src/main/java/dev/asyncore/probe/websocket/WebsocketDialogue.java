package dev.asyncore.probe.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;

import dev.asyncore.chat.TooLongFrameException;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.QueryResponse;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsChat;
import dev.asyncore.probe.tls.TlsMaterial;
import dev.asyncore.tls.TlsTransport;

/**
 * One websocket probe's connection, as gorilla/websocket's dialer and blackbox_exporter's
 * {@code ProbeWebsocket}: connect, TLS for {@code wss}, the HTTP/1.1 Upgrade (RFC 6455 §4: status 101,
 * {@code Upgrade: websocket}, {@code Connection: upgrade} and the {@code Sec-WebSocket-Accept} of our key),
 * then the {@code query_response}: each {@code expect} reads one message (fragments joined; pings
 * answered; a close frame fails it) and matches it, each {@code send} sends a masked text message with
 * the match's {@code ${1}} expanded. Bounded: the response head at {@link #MAX_HEAD} bytes, a message at
 * {@link #MAX_MESSAGE} (reserved from the probe's memory before the first message is read). One deadline
 * covers the whole probe. Loop thread only.
 */
final class WebsocketDialogue extends TlsChat {

	/** The response head (status line and headers) is at most this long. */
	static final int MAX_HEAD = 64 * 1024;

	/** A message (all its fragments) is at most this long. */
	static final int MAX_MESSAGE = 1024 * 1024;

	private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

	private static final String DURATION = "probe_websocket_duration_seconds";

	private static final String DURATION_HELP = "Duration of websocket request by phase";

	private static final String REGEX = "probe_websocket_failed_due_to_regex";

	private enum Phase {
		CONNECTING, HANDSHAKE, UPGRADE, FRAME_HEAD, FRAME_LENGTH, FRAME_MASK, FRAME_PAYLOAD, FLUSH_TO_END, ENDED
	}

	/**
	 * Where and what a probe asks.
	 * @param address the chosen address and port
	 * @param family its socket family
	 * @param tls whether the URL is {@code wss}
	 * @param serverName the name TLS sends and verifies
	 * @param hostHeader the {@code Host} header ({@code host[:port]} as the URL has it)
	 * @param requestTarget the path and query
	 * @param headers the module's headers, credentials first
	 */
	record Endpoint(InetSocketAddress address, ProtocolFamily family, boolean tls, String serverName, String hostHeader,
			String requestTarget, List<Map.Entry<String, String>> headers) {
	}

	private final Endpoint endpoint;

	private final TlsMaterial tls;

	private final List<QueryResponse> steps;

	private final ProbeReport report;

	private final ProbeLog log;

	private final ProbeMemory.Lease lease;

	private final CompletableFuture<Boolean> result = new CompletableFuture<>();

	private final TlsCapture capture = new TlsCapture();

	private final String key;

	private final long started = System.nanoTime();

	private Phase phase = Phase.CONNECTING;

	private TimerHandle deadline;

	private long connected;

	private long transferStart;

	private int step;

	private Matcher match;

	private int headBytes;

	private int frameOpcode;

	private boolean fin;

	private byte[] messageBytes = new byte[0];

	private int messageLength;

	private boolean messageReserved;

	private WebsocketDialogue(Reactor reactor, Endpoint endpoint, TlsMaterial tls, List<QueryResponse> steps,
			ProbeReport report, ProbeLog log, ProbeMemory.Lease lease) {
		super(reactor);
		this.endpoint = endpoint;
		this.tls = tls;
		this.steps = steps;
		this.report = report;
		this.log = log;
		this.lease = lease;
		this.key = WebsocketFrames.key();
	}

	/**
	 * Connects and runs the probe. Loop thread.
	 * @return whether the upgrade and every step passed; never completes exceptionally
	 */
	static CompletableFuture<Boolean> start(Reactor reactor, Endpoint endpoint, TlsMaterial tls, List<QueryResponse> steps,
			Duration budget, ProbeReport report, ProbeLog log, ProbeMemory.Lease lease, CompletionStage<Void> cancel) {
		WebsocketDialogue dialogue = new WebsocketDialogue(reactor, endpoint, tls, steps, report, log, lease);
		dialogue.deadline = reactor.schedule(budget, dialogue::timedOut);
		try {
			dialogue.createSocket(endpoint.family());
			dialogue.connect(endpoint.address());
		}
		catch (IOException | RuntimeException ex) {
			dialogue.fail("Error dialing websocket", ex);
		}
		cancel.thenRun(() -> dialogue.handleError(new IOException("operation was canceled")));
		return dialogue.result;
	}

	@Override
	protected void handleConnect() {
		this.connected = System.nanoTime();
		this.report.gauge(DURATION, DURATION_HELP, (this.connected - this.started) / 1e9, "phase", "connect");
		if (!this.endpoint.tls()) {
			upgrade();
			return;
		}
		try {
			this.lease.reserve(ProbeMemory.TLS_BYTES, "the TLS connection's buffers");
			this.phase = Phase.HANDSHAKE;
			startTls(TlsTransport.client((SocketChannel) channel(), this.tls.newContext(this.capture),
					this.endpoint.serverName(), this.endpoint.address().getPort(), this.tls.engineSetup()));
		}
		catch (ProbeMemory.Refused | GeneralSecurityException | RuntimeException ex) {
			fail("Error dialing websocket", ex);
		}
	}

	@Override
	protected void tlsEstablished() {
		if (this.phase == Phase.HANDSHAKE) {
			upgrade();
		}
	}

	/** Sends the Upgrade request, as gorilla/websocket words it, and waits for the head of the answer. */
	private void upgrade() {
		StringBuilder request = new StringBuilder("GET ").append(this.endpoint.requestTarget()).append(" HTTP/1.1\r\n")
			.append("Host: ").append(this.endpoint.hostHeader()).append("\r\n")
			.append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
			.append("Sec-WebSocket-Key: ").append(this.key).append("\r\n")
			.append("Sec-WebSocket-Version: 13\r\n");
		for (Map.Entry<String, String> header : this.endpoint.headers()) {
			request.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
		}
		push(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
		this.phase = Phase.UPGRADE;
		setTerminator(HEAD_END);
	}

	@Override
	public boolean writable() {
		return this.phase == Phase.HANDSHAKE || super.writable();
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		if (this.phase == Phase.UPGRADE) {
			this.headBytes += data.remaining();
			if (this.headBytes > MAX_HEAD) {
				throw new TooLongFrameException("the upgrade response's head exceeds " + MAX_HEAD + " bytes");
			}
		}
		else if (this.phase == Phase.FLUSH_TO_END || this.phase == Phase.ENDED) {
			data.position(data.limit());
			return;
		}
		super.collectIncomingData(data);
	}

	@Override
	protected void foundTerminator() {
		switch (this.phase) {
			case UPGRADE -> upgraded(new String(incomingData(), StandardCharsets.ISO_8859_1));
			case FRAME_HEAD -> frameHead(incomingData());
			case FRAME_LENGTH -> frameLength(incomingData());
			case FRAME_MASK -> fail("Error reading message", new IOException("websocket: bad MASK"));
			case FRAME_PAYLOAD -> payload(incomingData());
			default -> {
			}
		}
	}

	private void upgraded(String head) {
		String[] lines = head.split("\r\n");
		String[] status = lines[0].split(" ", 3);
		int code = (status.length >= 2 && status[0].startsWith("HTTP/1.")) ? parseStatus(status[1]) : 0;
		this.report.gauge("probe_websocket_status_code", "Response HTTP status code", code);
		this.report.gauge(DURATION, DURATION_HELP, (System.nanoTime() - this.connected) / 1e9, "phase", "processing");
		String upgrade = "";
		String connection = "";
		String accept = "";
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon <= 0) {
				continue;
			}
			String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
			String value = lines[i].substring(colon + 1).strip();
			switch (name) {
				case "upgrade" -> upgrade = value;
				case "connection" -> connection = value;
				case "sec-websocket-accept" -> accept = value;
				default -> {
				}
			}
		}
		if (code != 101 || !upgrade.equalsIgnoreCase("websocket")
				|| !connection.toLowerCase(Locale.ROOT).contains("upgrade") || !accept.equals(WebsocketFrames.accept(this.key))) {
			fail("Error dialing websocket", new IOException("websocket: bad handshake"));
			return;
		}
		this.report.gauge("probe_websocket_connection_upgraded",
				"Indicates if the websocket connection was successfully upgraded", 1);
		this.transferStart = System.nanoTime();
		drive();
	}

	private static int parseStatus(String text) {
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** Runs the steps until one has to wait for a message. */
	private void drive() {
		while (this.step < this.steps.size()) {
			QueryResponse current = this.steps.get(this.step);
			if (current.expect() != null && this.match == null) {
				if (!this.messageReserved) {
					try {
						this.lease.reserve(MAX_MESSAGE, "the websocket message buffer");
						this.messageReserved = true;
					}
					catch (ProbeMemory.Refused ex) {
						failStep("Error reading message", ex);
						return;
					}
				}
				this.messageLength = 0;
				readFrameHead();
				return;
			}
			String send = (this.match != null) ? QueryResponse.expand(current.send(), this.match) : current.send();
			if (!send.isEmpty()) {
				push(WebsocketFrames.frame(0x1, send.getBytes(StandardCharsets.UTF_8)));
			}
			this.match = null;
			this.step++;
		}
		if (!this.steps.isEmpty()) {
			this.report.gauge(REGEX, "Indicates if probe failed due to regex", 0);
			transferred();
		}
		this.phase = Phase.FLUSH_TO_END;
		setTerminator((byte[]) null);
		flushed();
	}

	private void readFrameHead() {
		this.phase = Phase.FRAME_HEAD;
		setTerminator(2);
	}

	private void frameHead(byte[] head) {
		this.fin = (head[0] & 0x80) != 0;
		this.frameOpcode = head[0] & 0x0F;
		if ((head[1] & 0x80) != 0) {
			this.phase = Phase.FRAME_MASK; // a server must not mask (RFC 6455 §5.1)
			foundTerminator();
			return;
		}
		int length = head[1] & 0x7F;
		if (length == 126 || length == 127) {
			this.phase = Phase.FRAME_LENGTH;
			setTerminator(length == 126 ? 2 : 8);
			return;
		}
		payloadFollows(length);
	}

	private void frameLength(byte[] bytes) {
		long length = 0;
		for (byte b : bytes) {
			length = (length << 8) | (b & 0xFF);
		}
		payloadFollows(length);
	}

	private void payloadFollows(long length) {
		boolean control = (this.frameOpcode & 0x8) != 0;
		if (length < 0 || (!control && this.messageLength + length > MAX_MESSAGE) || (control && length > 125)) {
			failStep("Error reading message", new IOException("websocket: read limit exceeded (" + MAX_MESSAGE + " bytes)"));
			return;
		}
		if (length == 0) {
			payload(new byte[0]);
			return;
		}
		this.phase = Phase.FRAME_PAYLOAD;
		setTerminator(length);
	}

	private void payload(byte[] data) {
		switch (this.frameOpcode) {
			case 0x8 -> {
				int code = (data.length >= 2) ? ((data[0] & 0xFF) << 8) | (data[1] & 0xFF) : 1005;
				failStep("Error reading message", new IOException("websocket: close " + code
						+ ((data.length > 2) ? " " + new String(data, 2, data.length - 2, StandardCharsets.UTF_8) : "")));
				return;
			}
			case 0x9 -> {
				push(WebsocketFrames.frame(0xA, data)); // a ping is answered, as gorilla's default handler does
				readFrameHead();
				return;
			}
			case 0xA -> {
				readFrameHead();
				return;
			}
			default -> {
			}
		}
		if (this.messageLength == 0 && this.frameOpcode == 0) {
			failStep("Error reading message", new IOException("websocket: continuation after final message frame"));
			return;
		}
		if (this.messageLength + data.length > this.messageBytes.length) {
			this.messageBytes = Arrays.copyOf(this.messageBytes, Math.min(MAX_MESSAGE,
					Math.max(this.messageBytes.length * 2, this.messageLength + data.length)));
		}
		System.arraycopy(data, 0, this.messageBytes, this.messageLength, data.length);
		this.messageLength += data.length;
		if (!this.fin) {
			readFrameHead();
			return;
		}
		String text = new String(this.messageBytes, 0, this.messageLength, StandardCharsets.UTF_8);
		this.messageLength = 0;
		QueryResponse current = this.steps.get(this.step);
		Matcher m = current.expect().matcher(text);
		if (!m.find()) {
			this.log.error("Regexp did not match", "regexp", current.expect().pattern(), "line", text);
			this.report.gauge(REGEX, "Indicates if probe failed due to regex", 1);
			transferred();
			end(false);
			return;
		}
		this.log.info("regexp matched", "regexp", current.expect().pattern(), "line", text);
		this.match = m;
		drive();
	}

	private void transferred() {
		this.report.gauge(DURATION, DURATION_HELP, (System.nanoTime() - this.transferStart) / 1e9, "phase", "transfer");
	}

	@Override
	protected void initiateSend() {
		super.initiateSend();
		if (this.phase == Phase.FLUSH_TO_END) {
			flushed();
		}
	}

	/** Ends the probe once every message sent has left. */
	private void flushed() {
		if (pendingBytes() == 0 && !isClosed()) {
			end(true);
		}
	}

	@Override
	protected void handleClose() {
		switch (this.phase) {
			case CONNECTING, HANDSHAKE, UPGRADE -> fail("Error dialing websocket", new IOException("unexpected EOF"));
			case FRAME_HEAD, FRAME_LENGTH, FRAME_MASK, FRAME_PAYLOAD -> failStep("Error reading message",
					new IOException("unexpected EOF"));
			case FLUSH_TO_END -> {
				if (isBroken()) {
					fail("Error sending message", new IOException("connection reset by peer"));
				}
			}
			case ENDED -> close();
		}
	}

	@Override
	protected void handleError(Throwable error) {
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		switch (this.phase) {
			case CONNECTING, HANDSHAKE, UPGRADE -> fail("Error dialing websocket", cause);
			case FRAME_HEAD, FRAME_LENGTH, FRAME_MASK, FRAME_PAYLOAD -> failStep("Error reading message", cause);
			default -> fail("Error sending message", cause);
		}
	}

	private void timedOut() {
		handleError(new IOException("i/o timeout after " + (System.nanoTime() - this.started) / 1_000_000 + " ms ("
				+ this.phase.name().toLowerCase(Locale.ROOT) + ")"));
	}

	/** A step failed (not by its regular expression): blackbox_exporter counts it as a regex failure too. */
	private void failStep(String message, Throwable cause) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		this.report.gauge(REGEX, "Indicates if probe failed due to regex", 1);
		transferred();
		fail(message, cause);
	}

	private void fail(String message, Throwable cause) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		if (this.phase == Phase.CONNECTING || this.phase == Phase.HANDSHAKE || this.phase == Phase.UPGRADE) {
			this.report.gauge(DURATION, DURATION_HELP, (System.nanoTime() - Math.max(this.connected, this.started)) / 1e9,
					"phase", "processing");
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
		close();
		this.result.complete(success);
	}

	/** Closed from outside (the loop shutting down): the probe fails rather than hanging. */
	@Override
	public void close() {
		super.close();
		if (this.phase != Phase.ENDED) {
			fail("Error reading message", new IOException("connection closed by the loop"));
		}
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", phase=").append(this.phase).append(", step=").append(this.step);
	}

}
