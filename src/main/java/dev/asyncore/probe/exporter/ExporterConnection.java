package dev.asyncore.probe.exporter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.Terminator;
import dev.asyncore.chat.TooLongFrameException;
import dev.asyncore.core.Reactor;

/**
 * One connection to the exporter: a small HTTP/1.1 server on {@link AsyncChat}. The request head is
 * framed by the {@code CRLF CRLF} terminator and bounded ({@link #MAX_HEAD}, beyond it 431); a
 * request body (only {@code /-/reload} has a use for one) is read by count and dropped. Keep-alive
 * and pipelining: answers go out in request order, at most {@link #MAX_QUEUED} requests wait while
 * a probe runs, and reading pauses beyond that. Loop thread only.
 */
public final class ExporterConnection extends AsyncChat {

	private static final Logger logger = LoggerFactory.getLogger(ExporterConnection.class);

	/** Largest request line plus headers. */
	public static final int MAX_HEAD = 8192;

	/** Largest request body accepted (and dropped). */
	static final int MAX_BODY = 64 * 1024;

	static final int MAX_QUEUED = 16;

	private static final byte[] END_OF_HEAD = { '\r', '\n', '\r', '\n' };

	private final BlackboxExporter exporter;

	private final ArrayDeque<ExporterRequest> queue = new ArrayDeque<>();

	private State state = State.HEAD;

	private ExporterRequest pendingBody;

	private boolean busy;

	/** The error answer of a request that broke the framing, sent after the answers of those before it. */
	private byte[] refusal;

	private enum State {

		/** Reading a request head. */
		HEAD,

		/** Dropping a request body, then queueing {@link #pendingBody}. */
		BODY,

		/** The last answer is going out; input is ignored. */
		CLOSING

	}

	public ExporterConnection(Reactor reactor, SocketChannel channel, BlackboxExporter exporter) {
		super(reactor, channel);
		this.exporter = exporter;
		setMaxIncoming(MAX_HEAD);
		setTerminator(END_OF_HEAD);
	}

	@Override
	public boolean readable() {
		return this.state != State.CLOSING && this.queue.size() < MAX_QUEUED && super.readable();
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		if (this.state != State.HEAD) {
			data.position(data.limit()); // a body being dropped, or input after the last answer
			return;
		}
		try {
			super.collectIncomingData(data);
		}
		catch (TooLongFrameException ex) {
			data.position(data.limit());
			refuse(431, "request line and headers exceed " + MAX_HEAD + " bytes");
		}
	}

	@Override
	protected void foundTerminator() throws IOException {
		if (this.state == State.CLOSING) {
			return;
		}
		if (this.state == State.BODY) {
			this.state = State.HEAD;
			setTerminator(END_OF_HEAD);
			enqueue(this.pendingBody);
			return;
		}
		byte[] head = incomingData();
		ExporterRequest request;
		try {
			request = ExporterRequest.parse(head);
		}
		catch (ExporterRequest.BadRequest ex) {
			refuse(ex.status(), ex.getMessage());
			return;
		}
		if (request.headers().containsKey("transfer-encoding")) {
			refuse(400, "chunked request bodies are not accepted");
			return;
		}
		long length;
		try {
			length = Long.parseLong(request.headers().getOrDefault("content-length", "0"));
		}
		catch (NumberFormatException ex) {
			refuse(400, "bad Content-Length");
			return;
		}
		if (length < 0 || length > MAX_BODY) {
			refuse((length < 0) ? 400 : 413, "request body larger than " + MAX_BODY + " bytes");
			return;
		}
		if (length > 0) {
			this.state = State.BODY;
			this.pendingBody = request;
			setTerminator(length);
			return;
		}
		enqueue(request);
	}

	private void enqueue(ExporterRequest request) {
		this.queue.add(request);
		next();
	}

	/** Answers the oldest waiting request, unless one is being answered. */
	private void next() {
		while (!this.busy && !this.queue.isEmpty() && !isClosed()) {
			ExporterRequest request = this.queue.poll();
			this.busy = true;
			CompletableFuture<ExporterResponse> answer;
			try {
				answer = this.exporter.handle(this.reactor, request, remoteAddress());
			}
			catch (RuntimeException ex) {
				logger.warn("Answering {} {} failed on {}", request.method(), request.path(), this, ex);
				answer = CompletableFuture.completedFuture(ExporterResponse.text(500, "internal error\n"));
			}
			answer.whenComplete((response, error) -> {
				if (this.reactor.inLoopThread()) {
					answered(request, response, error);
				}
				else {
					this.reactor.execute(() -> answered(request, response, error));
				}
			});
		}
		if (!this.busy && this.queue.isEmpty() && this.refusal != null && !isClosed()) {
			push(this.refusal);
			this.refusal = null;
			closeWhenDone();
		}
		updateInterest();
	}

	private void answered(ExporterRequest request, ExporterResponse response, Throwable error) {
		this.busy = false;
		if (isClosed()) {
			return;
		}
		ExporterResponse answer = (error == null) ? response : ExporterResponse.text(500, "internal error\n");
		if (error != null) {
			logger.warn("Answering {} {} failed on {}", request.method(), request.path(), this, error);
		}
		boolean keepAlive = request.keepAlive();
		byte[] bytes = answer.encode(keepAlive, (answer.status() == 405) ? BlackboxExporter.allowed(request.path()) : null);
		if (request.method().equals("HEAD")) {
			bytes = Arrays.copyOf(bytes, headLength(bytes));
		}
		push(bytes);
		if (!keepAlive) {
			this.state = State.CLOSING;
			this.queue.clear();
			this.refusal = null;
			closeWhenDone();
			return;
		}
		next();
	}

	private static int headLength(byte[] response) {
		for (int i = 3; i < response.length; i++) {
			if (response[i] == '\n' && response[i - 1] == '\r' && response[i - 2] == '\n' && response[i - 3] == '\r') {
				return i + 1;
			}
		}
		return response.length;
	}

	/** Answers a request that cannot be served and closes after it: the stream's framing is lost. */
	private void refuse(int status, String why) {
		this.state = State.CLOSING;
		setTerminator(Terminator.NONE);
		this.refusal = ExporterResponse.text(status, why + "\n").encode(false, null);
		next(); // the requests before this one are answered first, in order
	}

	@Override
	public String toString() {
		String base = super.toString();
		return base.substring(0, base.length() - 1) + ", exporter " + this.state + ", queued=" + this.queue.size() + ']';
	}

}
