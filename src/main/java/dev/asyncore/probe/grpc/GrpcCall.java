package dev.asyncore.probe.grpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.http.h2.Http2Exception;
import dev.asyncore.http.h2.Http2Session;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsChat;
import dev.asyncore.probe.tls.TlsGauges;
import dev.asyncore.probe.tls.TlsMaterial;
import dev.asyncore.tls.TlsTransport;

/**
 * One {@code grpc.health.v1.Health/Check} call: connect, TLS with ALPN {@code h2} or clear text with
 * prior knowledge, one HTTP/2 stream through {@link Http2Session}, the response's message and
 * {@code grpc-status}. One deadline covers the whole call: a peer that stalls anywhere ends the probe
 * then ({@code DEADLINE_EXCEEDED}). Connection, TLS and HTTP/2 failures are {@code UNAVAILABLE}, as
 * grpc-go reports them. The response message is bounded to {@value #MAX_MESSAGE} bytes
 * ({@code RESOURCE_EXHAUSTED} beyond). Loop thread only.
 */
final class GrpcCall extends TlsChat implements Http2Session.Listener {

	static final int MAX_MESSAGE = 16 * 1024;

	static final int OK = 0;

	static final int DEADLINE_EXCEEDED = 4;

	static final int RESOURCE_EXHAUSTED = 8;

	static final int INTERNAL = 13;

	static final int UNAVAILABLE = 14;

	private static final String PATH = "/grpc.health.v1.Health/Check";

	private final GrpcOptions options;

	private final TlsMaterial material;

	private final String serverName;

	private final String authority;

	private final ProbeReport report;

	private final ProbeLog log;

	private final ProbeMemory.Lease lease;

	private final CompletableFuture<Boolean> result = new CompletableFuture<>();

	private final TlsCapture capture = new TlsCapture();

	private final long started = System.nanoTime();

	private final ByteArrayOutputStream message = new ByteArrayOutputStream(64);

	private TimerHandle deadline;

	private Http2Session session;

	private boolean handshakeDone;

	private boolean ended;

	private int httpStatus;

	private String grpcStatus;

	private String grpcMessage;

	private GrpcCall(Reactor reactor, GrpcOptions options, TlsMaterial material, String serverName, String authority,
			ProbeReport report, ProbeLog log, ProbeMemory.Lease lease) {
		super(reactor);
		this.options = options;
		this.material = material;
		this.serverName = serverName;
		this.authority = authority;
		this.report = report;
		this.log = log;
		this.lease = lease;
	}

	/**
	 * Connects to {@code address} and makes the call. Loop thread.
	 * @param authority {@code :authority}: the target's host and port
	 * @return whether the service is SERVING; never completes exceptionally
	 */
	static CompletableFuture<Boolean> start(Reactor reactor, GrpcOptions options, TlsMaterial material,
			String serverName, String authority, InetSocketAddress address, Duration budget, ProbeReport report,
			ProbeLog log, ProbeMemory.Lease lease, CompletionStage<Void> cancel) {
		GrpcCall call = new GrpcCall(reactor, options, material, serverName, authority, report, log, lease);
		call.deadline = reactor.schedule(budget, call::timedOut);
		log.info(options.tls() ? "Dialing GRPC with TLS" : "Dialing GRPC without TLS");
		try {
			lease.reserve(2L * 16384 + (options.tls() ? ProbeMemory.TLS_BYTES : 0), "the HTTP/2 connection's buffers");
			call.createSocket((address.getAddress() instanceof Inet6Address) ? StandardProtocolFamily.INET6
					: StandardProtocolFamily.INET);
			call.connect(address);
		}
		catch (ProbeMemory.Refused ex) {
			call.finish(UNAVAILABLE, "Refused by the probe memory budget: " + ex.getMessage());
		}
		catch (IOException | RuntimeException ex) {
			call.finish(UNAVAILABLE, "connection error: " + ex.getMessage());
		}
		cancel.thenRun(() -> call.finish(UNAVAILABLE, "operation was canceled"));
		return call.result;
	}

	@Override
	protected void handleConnect() {
		if (!this.options.tls()) {
			beginCall();
			return;
		}
		Consumer<SSLEngine> alpn = engine -> {
			SSLParameters parameters = engine.getSSLParameters();
			parameters.setApplicationProtocols(new String[] { "h2" });
			engine.setSSLParameters(parameters);
		};
		Consumer<SSLEngine> setup = this.material.engineSetup();
		try {
			startTls(TlsTransport.client((SocketChannel) channel(), this.material.newContext(this.capture),
					this.serverName, ((InetSocketAddress) remoteAddress()).getPort(),
					(setup != null) ? alpn.andThen(setup) : alpn));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			finish(UNAVAILABLE, "Error creating TLS configuration: " + ex.getMessage());
		}
	}

	@Override
	protected void tlsEstablished() {
		this.handshakeDone = true;
		TlsGauges.report(this.report, this.capture);
		beginCall();
	}

	private void beginCall() {
		List<Map.Entry<String, String>> fields = new ArrayList<>(8 + this.options.metadata().size());
		fields.add(Map.entry(":method", "POST"));
		fields.add(Map.entry(":scheme", this.options.tls() ? "https" : "http"));
		fields.add(Map.entry(":path", PATH));
		fields.add(Map.entry(":authority", this.authority));
		fields.add(Map.entry("content-type", "application/grpc"));
		fields.add(Map.entry("te", "trailers"));
		fields.add(Map.entry("user-agent", "asyncore-grpc-probe/0.1"));
		fields.addAll(this.options.metadata());
		this.session = new Http2Session(this::push, this, 16 * 1024);
		try {
			this.session.start(fields, HealthMessages.request(this.options.service()));
		}
		catch (IOException ex) {
			finish(INTERNAL, "cannot encode the request: " + ex.getMessage());
			return;
		}
		setTerminator(this.session.terminator());
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) {
		if (this.session == null || this.ended) {
			data.position(data.limit());
			return;
		}
		this.session.collectIncomingData(data);
	}

	@Override
	protected void foundTerminator() throws IOException {
		if (this.session == null || this.ended) {
			return;
		}
		try {
			this.session.foundTerminator();
		}
		catch (IOException ex) {
			if (ex instanceof Http2Exception) {
				initiateSend(); // the GOAWAY or RST_STREAM, best effort
			}
			finish(UNAVAILABLE, ex.getMessage()); // after a too large message, already finished
			return;
		}
		if (!this.ended) {
			setTerminator(this.session.terminator());
		}
	}

	@Override
	public void onHead(int status, List<Map.Entry<String, String>> fields) {
		this.httpStatus = status;
		trailers(fields); // a trailers-only response carries grpc-status in its head
	}

	@Override
	public void onData(ByteBuffer data) throws IOException {
		if (this.message.size() + data.remaining() > MAX_MESSAGE) {
			finish(RESOURCE_EXHAUSTED, "a response message larger than " + MAX_MESSAGE + " bytes");
			throw new IOException("response too large");
		}
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.message.writeBytes(bytes);
	}

	@Override
	public void onTrailers(List<Map.Entry<String, String>> fields) {
		trailers(fields);
	}

	private void trailers(List<Map.Entry<String, String>> fields) {
		for (Map.Entry<String, String> field : fields) {
			if (field.getKey().equals("grpc-status")) {
				this.grpcStatus = field.getValue();
			}
			else if (field.getKey().equals("grpc-message")) {
				this.grpcMessage = field.getValue();
			}
		}
	}

	@Override
	public void onEnd() {
		if (this.grpcStatus == null) {
			if (this.httpStatus != 200) {
				finish(GrpcStatus.fromHttp(this.httpStatus), "unexpected HTTP status code received from server: "
						+ this.httpStatus);
			}
			else {
				finish(INTERNAL, "server closed the stream without sending trailers (no grpc-status)");
			}
			return;
		}
		int code;
		try {
			code = Integer.parseInt(this.grpcStatus);
		}
		catch (NumberFormatException ex) {
			finish(INTERNAL, "malformed grpc-status: " + this.grpcStatus);
			return;
		}
		if (code != OK) {
			finish(code, "rpc error: code = " + GrpcStatus.name(code) + " desc = "
					+ ((this.grpcMessage != null) ? GrpcStatus.percentDecoded(this.grpcMessage) : ""));
			return;
		}
		int serving;
		try {
			serving = HealthMessages.servingStatus(this.message.toByteArray());
		}
		catch (IllegalArgumentException ex) {
			finish(INTERNAL, "grpc: failed to unmarshal the received message: " + ex.getMessage());
			return;
		}
		String name = (serving >= 0 && serving < HealthMessages.SERVING_STATUS.size())
				? HealthMessages.SERVING_STATUS.get(serving) : Integer.toString(serving);
		end(OK, name, serving == 1, null);
	}

	@Override
	protected void handleClose() {
		finish(UNAVAILABLE, (this.options.tls() && !this.handshakeDone)
				? "connection closed before the TLS handshake completed" : "connection closed before the call ended");
	}

	@Override
	protected void handleError(Throwable error) {
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		String why = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		if (this.capture.verifyError() != null) {
			why = why + " (" + this.capture.verifyError() + ")";
		}
		finish(UNAVAILABLE, "connection error: " + why);
	}

	private void timedOut() {
		finish(DEADLINE_EXCEEDED, "context deadline exceeded after " + (System.nanoTime() - this.started) / 1_000_000
				+ " ms (" + ((this.session == null) ? "connecting" : (this.httpStatus == 0) ? "waiting for the response"
						: "reading the response") + ")");
	}

	private void finish(int code, String error) {
		end(code, null, false, error);
	}

	private void end(int code, String servingStatus, boolean serving, String error) {
		if (this.ended) {
			return;
		}
		this.ended = true;
		if (this.deadline != null) {
			this.deadline.cancel();
		}
		for (String name : HealthMessages.SERVING_STATUS) {
			this.report.gauge("probe_grpc_healthcheck_response", "Response HealthCheck response",
					name.equals(servingStatus) ? 1 : 0, "serving_status", name);
		}
		if (servingStatus != null && !HealthMessages.SERVING_STATUS.contains(servingStatus)) {
			this.report.gauge("probe_grpc_healthcheck_response", "Response HealthCheck response", 1, "serving_status",
					servingStatus);
		}
		// as grpc-go: the peer (and so SSL) is known only when the call returned a response
		this.report.gauge("probe_grpc_ssl", "Indicates if SSL was used for the connection",
				(servingStatus != null && this.options.tls()) ? 1 : 0);
		this.report.gauge("probe_grpc_status_code", "Response gRPC status code", code);
		if (this.report.value("probe_ssl_earliest_cert_expiry") == null) {
			// blackbox_exporter 0.23 has it on every grpc probe, 0 without a certificate (0.24 on: only with TLS)
			this.report.gauge("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime", 0);
		}
		this.report.gauge("probe_grpc_duration_seconds", "Duration of gRPC request by phase",
				(System.nanoTime() - this.started) / 1e9, "phase", "check");
		if (error != null) {
			this.log.error("can't connect grpc server:", "err", error);
		}
		else if (!serving) {
			this.log.error("can't connect grpc server:", "err", "serving status " + servingStatus);
		}
		else {
			this.log.info("connect the grpc server successfully");
		}
		close();
		this.result.complete(error == null && serving);
	}

	/** Closed from outside (the loop shutting down): the probe fails rather than hanging. */
	@Override
	public void close() {
		super.close();
		finish(UNAVAILABLE, "connection closed by the loop");
	}

}
