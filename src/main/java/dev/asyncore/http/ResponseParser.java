package dev.asyncore.http;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.asyncore.chat.Terminator;

/**
 * HTTP/1.1 response parsing with no socket: fed by asynchat framing ({@link #collectIncomingData},
 * {@link #foundTerminator}, {@link #terminator()} for the next unit), so that tests and fuzzers
 * drive it with byte chunks split anywhere, exactly as {@link HttpConnection} does from its socket.
 *
 * <p>The status line and header lines end at {@code \r\n}; a bare CR or LF inside a line, obsolete
 * line folding, or a malformed status line is a {@link FetchException.Protocol}. The body is framed
 * by {@code Transfer-Encoding: chunked} (extensions and trailers accepted and ignored), by
 * {@code Content-Length}, or by the end of the connection; HEAD, 204 and 304 have none. Interim 1xx
 * responses are skipped. Head bytes (1xx heads and trailers included) are bounded by
 * {@code maxHeaderBytes} and body bytes by {@code maxBodySize}: beyond them a
 * {@link FetchException.TooLarge}. Nothing else is thrown except what the listener throws.
 *
 * <p>Not thread-safe: one thread (the loop thread) drives it. Reusable across responses of a
 * keep-alive connection through {@link #start}.
 */
public final class ResponseParser {

	/** Receives the final response head and the body bytes. */
	public interface Listener {

		/** The final (non-1xx) head; called before any body byte. */
		void onHead(ResponseHead head) throws IOException;

		/** Body bytes (de-chunked): read them now, the buffer is reused. */
		void onBody(ByteBuffer data) throws IOException;

	}

	private enum State {

		STATUS_LINE, HEADERS, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, BODY_UNTIL_CLOSE, DONE

	}

	static final Terminator CRLF = Terminator.delimiter(new byte[] { '\r', '\n' });

	private static final int MAX_CHUNK_LINE = 4096;

	private int maxHeaderBytes;

	private long maxBodySize;

	private State state = State.DONE;

	private Listener listener;

	private boolean headRequest;

	private byte[] line = new byte[128];

	private int lineLength;

	private int headBytes;

	private long bodyBytes;

	private long expectedLength;

	private boolean sawBytes;

	private boolean keepAlive;

	private int interim;

	private String version;

	private int status;

	private String reason;

	private Map<String, List<String>> headers;

	private ResponseHead head;

	public ResponseParser(int maxHeaderBytes, long maxBodySize) {
		this.maxHeaderBytes = maxHeaderBytes;
		this.maxBodySize = maxBodySize;
	}

	/** Changes the limits for the next {@link #start}ed response (a pooled connection serves many policies). */
	public void limits(int maxHeaderBytes, long maxBodySize) {
		this.maxHeaderBytes = maxHeaderBytes;
		this.maxBodySize = maxBodySize;
	}

	/** Expects a new response, to a HEAD request if {@code headRequest}. */
	public void start(boolean headRequest, Listener listener) {
		this.headRequest = headRequest;
		this.listener = listener;
		this.state = State.STATUS_LINE;
		this.lineLength = 0;
		this.headBytes = 0;
		this.bodyBytes = 0;
		this.sawBytes = false;
		this.keepAlive = false;
		this.interim = 0;
		this.head = null;
	}

	/** What ends the next unit of input. */
	public Terminator terminator() {
		return switch (this.state) {
			case STATUS_LINE, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> CRLF;
			case BODY_LENGTH -> Terminator.length(this.expectedLength - this.bodyBytes);
			case CHUNK_DATA -> Terminator.length(this.expectedLength);
			case BODY_UNTIL_CLOSE, DONE -> Terminator.NONE;
		};
	}

	public void collectIncomingData(ByteBuffer data) throws IOException {
		int n = data.remaining();
		if (n == 0) {
			return;
		}
		this.sawBytes = true;
		switch (this.state) {
			case STATUS_LINE, HEADERS, TRAILERS -> appendLine(data, true);
			case CHUNK_SIZE -> appendLine(data, false);
			case CHUNK_END -> throw new FetchException.Protocol("Chunk data longer than its declared size");
			case BODY_LENGTH, CHUNK_DATA, BODY_UNTIL_CLOSE -> body(data);
			case DONE -> throw new FetchException.Protocol("Unexpected bytes after the end of the response");
		}
	}

	public void foundTerminator() throws IOException {
		switch (this.state) {
			case STATUS_LINE -> statusLine(takeLine());
			case HEADERS -> headerLine(takeLine());
			case BODY_LENGTH -> this.state = State.DONE;
			case CHUNK_SIZE -> chunkSize(takeLine());
			case CHUNK_DATA -> this.state = State.CHUNK_END;
			case CHUNK_END -> {
				this.lineLength = 0;
				this.state = State.CHUNK_SIZE;
			}
			case TRAILERS -> trailerLine(takeLine());
			case BODY_UNTIL_CLOSE, DONE -> throw new IllegalStateException("no terminator in state " + this.state);
		}
	}

	/**
	 * The peer closed its side. Completes a body that runs until close; anything else unfinished is
	 * a truncated response.
	 */
	public void endOfInput() throws FetchException {
		switch (this.state) {
			case BODY_UNTIL_CLOSE -> this.state = State.DONE;
			case DONE -> {
			}
			case STATUS_LINE -> throw new FetchException.Protocol(this.sawBytes
					? "Connection closed in the middle of the status line" : "Connection closed before any response");
			case HEADERS -> throw new FetchException.Protocol("Connection closed in the middle of the response headers");
			case BODY_LENGTH -> throw new FetchException.Protocol("Response body truncated: got " + this.bodyBytes + " of "
					+ this.expectedLength + " bytes announced by Content-Length");
			default -> throw new FetchException.Protocol(
					"Chunked response body truncated after " + this.bodyBytes + " bytes (no final 0-size chunk)");
		}
		this.keepAlive = false;
	}

	public boolean isDone() {
		return this.state == State.DONE;
	}

	/** Whether any byte of this response arrived (a reused connection closed before any did may be retried). */
	public boolean sawBytes() {
		return this.sawBytes;
	}

	/** Whether the connection may carry another request after this (complete) response. */
	public boolean keepAlive() {
		return this.keepAlive && this.state == State.DONE;
	}

	/** The final head, once parsed. */
	public ResponseHead head() {
		return this.head;
	}

	public long bodyBytes() {
		return this.bodyBytes;
	}

	/** Interim (1xx) responses skipped so far. */
	public int interimResponses() {
		return this.interim;
	}

	private void appendLine(ByteBuffer data, boolean head) throws FetchException {
		int n = data.remaining();
		// for head lines the CRLF still to come counts too
		if (head && (long) this.headBytes + n + 2 > this.maxHeaderBytes) {
			throw new FetchException.TooLarge("Response head exceeds " + this.maxHeaderBytes + " bytes");
		}
		if (!head && this.lineLength + n > MAX_CHUNK_LINE) {
			throw new FetchException.Protocol("Chunk size line longer than " + MAX_CHUNK_LINE + " bytes");
		}
		if (this.lineLength + n > this.line.length) {
			this.line = Arrays.copyOf(this.line, Math.max(this.line.length * 2, this.lineLength + n));
		}
		data.get(this.line, this.lineLength, n);
		this.lineLength += n;
		if (head) {
			this.headBytes += n;
		}
	}

	private String takeLine() throws FetchException {
		if (this.state == State.STATUS_LINE || this.state == State.HEADERS || this.state == State.TRAILERS) {
			this.headBytes += 2;
			if (this.headBytes > this.maxHeaderBytes) {
				throw new FetchException.TooLarge("Response head exceeds " + this.maxHeaderBytes + " bytes");
			}
		}
		for (int i = 0; i < this.lineLength; i++) {
			byte b = this.line[i];
			if ((b < 0x20 && b != '\t') || b == 0x7f) {
				throw new FetchException.Protocol("Control character 0x" + Integer.toHexString(b & 0xff)
						+ " in response line '" + HttpSyntax.printable(this.line, this.lineLength) + "'");
			}
		}
		String text = new String(this.line, 0, this.lineLength, StandardCharsets.ISO_8859_1);
		this.lineLength = 0;
		return text;
	}

	private void statusLine(String text) throws FetchException {
		// HTTP/1.x SP 3DIGIT [SP reason]
		if (text.length() < 12 || !text.startsWith("HTTP/1.") || (text.charAt(7) != '0' && text.charAt(7) != '1')
				|| text.charAt(8) != ' ' || !HttpSyntax.isDigits(text, 9, 12) || (text.length() > 12 && text.charAt(12) != ' ')) {
			throw new FetchException.Protocol("Not an HTTP/1.x status line: '" + HttpSyntax.printable(text) + "'");
		}
		this.version = text.substring(0, 8);
		this.status = Integer.parseInt(text, 9, 12, 10);
		if (this.status < 100 || this.status > 599) {
			throw new FetchException.Protocol("Status code " + this.status + " is outside 100-599");
		}
		this.reason = (text.length() > 13) ? text.substring(13) : "";
		this.headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		this.state = State.HEADERS;
	}

	private void headerLine(String text) throws IOException {
		if (text.isEmpty()) {
			endOfHead();
			return;
		}
		int colon = parseField(text);
		String name = text.substring(0, colon);
		String value = text.substring(colon + 1).strip();
		this.headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
	}

	private void trailerLine(String text) throws FetchException {
		if (text.isEmpty()) {
			this.state = State.DONE;
			return;
		}
		parseField(text);
	}

	/** @return the index of the colon of a well-formed field line */
	private static int parseField(String text) throws FetchException {
		if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
			throw new FetchException.Protocol("Obsolete header line folding: '" + HttpSyntax.printable(text) + "'");
		}
		int colon = text.indexOf(':');
		if (colon <= 0) {
			throw new FetchException.Protocol("Malformed header line: '" + HttpSyntax.printable(text) + "'");
		}
		for (int i = 0; i < colon; i++) {
			if (!HttpSyntax.isTokenChar(text.charAt(i))) {
				throw new FetchException.Protocol("Invalid header name: '" + HttpSyntax.printable(text.substring(0, colon)) + "'");
			}
		}
		return colon;
	}

	private void endOfHead() throws IOException {
		if (this.status < 200) {
			if (this.status == 101) {
				throw new FetchException.Protocol("Unexpected 101 Switching Protocols: no upgrade was asked for");
			}
			this.interim++;
			this.state = State.STATUS_LINE;
			return;
		}
		HttpHeaders fields = HttpHeaders.of(this.headers, (name, value) -> true);
		this.head = new ResponseHead(this.version, this.status, this.reason, fields);
		this.keepAlive = this.version.equals("HTTP/1.1") && !HttpSyntax.hasToken(fields.allValues("Connection"), "close");
		this.listener.onHead(this.head);
		if (this.headRequest || this.status == 204 || this.status == 304) {
			this.state = State.DONE;
			return;
		}
		List<String> transfer = fields.allValues("Transfer-Encoding");
		if (!transfer.isEmpty()) {
			if (transfer.size() != 1 || !transfer.get(0).equalsIgnoreCase("chunked")) {
				throw new FetchException.Protocol("Unsupported Transfer-Encoding '" + String.join(", ", transfer)
						+ "': only chunked is understood (the request asked for identity)");
			}
			if (fields.firstValue("Content-Length").isPresent()) {
				this.keepAlive = false; // RFC 9112 6.3: a message with both must not be reused
			}
			this.state = State.CHUNK_SIZE;
			return;
		}
		List<String> lengths = fields.allValues("Content-Length");
		if (!lengths.isEmpty()) {
			this.expectedLength = HttpSyntax.contentLength(lengths);
			checkBodySize(this.expectedLength);
			this.state = (this.expectedLength == 0) ? State.DONE : State.BODY_LENGTH;
			return;
		}
		this.keepAlive = false;
		this.state = State.BODY_UNTIL_CLOSE;
	}

	private void chunkSize(String text) throws FetchException {
		int end = text.indexOf(';');
		String hex = ((end >= 0) ? text.substring(0, end) : text).strip();
		if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
			throw new FetchException.Protocol("Invalid chunk size line '" + HttpSyntax.printable(text) + "'");
		}
		long size = Long.parseLong(hex, 16);
		if (size == 0) {
			this.state = State.TRAILERS;
			return;
		}
		checkBodySize(this.bodyBytes + size);
		this.expectedLength = size;
		this.state = State.CHUNK_DATA;
	}

	private void body(ByteBuffer data) throws IOException {
		checkBodySize(this.bodyBytes + data.remaining());
		this.bodyBytes += data.remaining();
		this.listener.onBody(data);
	}

	private void checkBodySize(long size) throws FetchException.TooLarge {
		HttpSyntax.checkBodySize(size, this.maxBodySize);
	}

}
