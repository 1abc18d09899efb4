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
import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;

/**
 * One connection to the exporter: a small HTTP/1.1 server on {@link AsyncChat}. The request head is
 * framed by the {@code CRLF CRLF} terminator and bounded ({@link #MAX_HEAD}, beyond it 431); a
 * request body (only {@code /-/reload} has a use for one) is read by count and dropped. Keep-alive
 * and pipelining: answers go out in request order, at most {@link #MAX_QUEUED} requests wait while
 * a probe runs, and reading pauses beyond that.
 *
 * <p>Slow peers: a request's head must arrive within {@link RequestDeadlines#head()} (counted from the
 * accept for the first request, from its first byte for later ones; between requests only the
 * listener's idle timeout applies) and its body within {@link RequestDeadlines#body()} of the head, else
 * 408 and close. While it answers nothing the connection is a candidate for its listener's
 * {@link ExporterAdmission} to close when the listener is full.
 *
 * <p>A peer that ends its output (end of stream) or goes away has nobody waiting: the probe being
 * answered ends at once, as blackbox_exporter's does (Go's server cancels a request's context when
 * its connection reads end of stream), and the answers still due (each a failed probe by then) go
 * out to a peer that only half-closed, then the connection closes. Loop thread only.
 */
public final class ExporterConnection extends AsyncChat {

	private static final Logger logger = LoggerFactory.getLogger(ExporterConnection.class);

	/** Largest request line plus headers. */
	public static final int MAX_HEAD = 8192;

	/** Largest request body accepted (and dropped). */
	static final int MAX_BODY = 64 * 1024;

	static final int MAX_QUEUED = 16;

	private static final byte[] END_OF_HEAD = { '\r', '\n', '\r', '\n' };

	/** What a request answered after its caller went is handed: already complete. */
	private static final CompletableFuture<Void> GONE = CompletableFuture.completedFuture(null);

	private final BlackboxExporter exporter;

	private final RequestDeadlines deadlines;

	private final ExporterAdmission admission;

	private final ArrayDeque<ExporterRequest> queue = new ArrayDeque<>();

	private State state = State.HEAD;

	private ExporterRequest pendingBody;

	private boolean busy;

	/** The error answer of a request that broke the framing, sent after the answers of those before it. */
	private byte[] refusal;

	/** Ends the probe of the request being answered when its caller goes; {@code null} when none is. */
	private CompletableFuture<Void> answering;

	/** Nobody waits for answers any more (end of stream, or closed): what is answered next is not probed. */
	private boolean callerGone;

	/** Bytes of a head arrived since the last head was complete. */
	private boolean headStarted;

	/** The deadline of the head or body being read; {@code null} when none runs. */
	private TimerHandle deadline;

	private enum State {

		/** Reading a request head. */
		HEAD,

		/** Dropping a request body, then queueing {@link #pendingBody}. */
		BODY,

		/**
		 * Input is over (the peer's end of stream, a request that broke the framing, or a
		 * {@code Connection: close} answer): what was read is answered in order, then the connection
		 * closes; input is ignored.
		 */
		CLOSING

	}

	/** A connection with the default deadlines, not counted by any admission. */
	public ExporterConnection(Reactor reactor, SocketChannel channel, BlackboxExporter exporter) {
		this(reactor, channel, exporter, RequestDeadlines.DEFAULTS, null);
	}

	/**
	 * @param deadlines how long a request may take to arrive
	 * @param admission the listener's, which may close this connection while it answers nothing;
	 * {@code null} for none
	 */
	public ExporterConnection(Reactor reactor, SocketChannel channel, BlackboxExporter exporter, RequestDeadlines deadlines,
			ExporterAdmission admission) {
		super(reactor, channel);
		this.exporter = exporter;
		this.deadlines = deadlines;
		this.admission = admission;
		setMaxIncoming(MAX_HEAD);
		setTerminator(END_OF_HEAD);
		this.deadline = reactor.schedule(deadlines.head(), this::deadlinePassed);
		if (admission != null) {
			admission.waiting(this);
		}
	}

	@Override
	public boolean readable() {
		return this.state != State.CLOSING && this.queue.size() < MAX_QUEUED && super.readable();
	}

	@Override
	protected void handleRead() throws IOException {
		super.handleRead();
		// a head or body this read did not complete runs against its deadline, armed once per request
		boolean reading = this.state == State.BODY || (this.state == State.HEAD && this.headStarted);
		if (reading && this.deadline == null && !isClosed()) {
			this.deadline = this.reactor.schedule((this.state == State.BODY) ? this.deadlines.body() : this.deadlines.head(),
					this::deadlinePassed);
		}
	}

	@Override
	protected void collectIncomingData(ByteBuffer data) throws IOException {
		if (this.state != State.HEAD) {
			data.position(data.limit()); // a body being dropped, or input after the last answer
			return;
		}
		this.headStarted = true;
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
		stopDeadline();
		if (this.state == State.BODY) {
			this.state = State.HEAD;
			setTerminator(END_OF_HEAD);
			enqueue(this.pendingBody);
			return;
		}
		this.headStarted = false;
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
			this.state = State.BODY; // its deadline starts when this read ends (handleRead)
			this.pendingBody = request;
			setTerminator(length);
			return;
		}
		enqueue(request);
	}

	private void enqueue(ExporterRequest request) {
		if (this.admission != null) {
			this.admission.leave(this);
		}
		this.queue.add(request);
		next();
	}

	/** Answers the oldest waiting request, unless one is being answered; closes when nothing is left after input ended. */
	private void next() {
		while (!this.busy && !this.queue.isEmpty() && !isClosed()) {
			ExporterRequest request = this.queue.poll();
			this.busy = true;
			CompletableFuture<Void> cancel = this.callerGone ? GONE : new CompletableFuture<>();
			this.answering = cancel;
			CompletableFuture<ExporterResponse> answer;
			try {
				answer = this.exporter.handle(this.reactor, request, remoteAddress(), cancel);
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
		if (!this.busy && this.queue.isEmpty() && !isClosed()) {
			if (this.refusal != null) {
				push(this.refusal);
				this.refusal = null;
				closeWhenDone();
			}
			else if (this.state == State.CLOSING && !isClosingWhenDone()) {
				closeWhenDone();
			}
			else if (this.admission != null) {
				this.admission.waiting(this); // idle between requests, or reading the next one
			}
		}
		updateInterest();
	}

	private void answered(ExporterRequest request, ExporterResponse response, Throwable error) {
		this.busy = false;
		this.answering = null;
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
		stopDeadline();
		setTerminator(Terminator.NONE);
		this.refusal = ExporterResponse.text(status, why + "\n").encode(false, null);
		next(); // the requests before this one are answered first, in order
	}

	/** The head or body did not arrive in time: 408 if some of it came, else the connection just closes. */
	private void deadlinePassed() {
		this.deadline = null;
		if (isClosed() || this.state == State.CLOSING) {
			return;
		}
		if (this.busy) { // a pipelined request waits for our answers (reading may be paused): not the peer's delay
			this.deadline = this.reactor.schedule((this.state == State.BODY) ? this.deadlines.body() : this.deadlines.head(),
					this::deadlinePassed);
			return;
		}
		stats().increment(ListenerStats.Counter.TIMEOUTS);
		if (this.state == State.BODY) {
			refuse(408, "request body not received within " + this.deadlines.body().toMillis() + " ms");
		}
		else if (this.headStarted) {
			refuse(408, "request head not received within " + this.deadlines.head().toMillis() + " ms");
		}
		else {
			close(); // nothing was sent: there is nobody to answer
		}
	}

	private void stopDeadline() {
		if (this.deadline != null) {
			this.deadline.cancel();
			this.deadline = null;
		}
	}

	/** Chosen by the listener's admission to make room: closes unless it began answering meanwhile. */
	void evict() {
		if (!this.reactor.inLoopThread()) {
			this.reactor.execute(this::evict);
			return;
		}
		if (isClosed() || this.busy || !this.queue.isEmpty()) {
			return;
		}
		logger.debug("{}: closed to make room in a full listener", this);
		stats().increment(ListenerStats.Counter.EVICTIONS);
		close();
	}

	/**
	 * End of stream, or a reset: the peer sends no more requests and nobody may read the answers. The
	 * probe in progress ends now; the answers due still go out (to a peer that only half-closed), then
	 * the connection closes.
	 */
	@Override
	protected void handleClose() {
		if (isBroken()) {
			close();
			return;
		}
		this.state = State.CLOSING;
		this.pendingBody = null;
		stopDeadline();
		callerHasGone();
		next();
	}

	@Override
	public void close() {
		super.close();
		stopDeadline();
		if (this.admission != null) {
			this.admission.leave(this);
		}
		callerHasGone(); // an answer that arrives now is dropped (answered sees the close)
	}

	private void callerHasGone() {
		this.callerGone = true;
		CompletableFuture<Void> cancel = this.answering;
		if (cancel != null) {
			cancel.complete(null); // the probe ends at once; its answer comes back through answered()
		}
	}

	@Override
	public String toString() {
		String base = super.toString();
		return base.substring(0, base.length() - 1) + ", exporter " + this.state + ", queued=" + this.queue.size() + ']';
	}

}
