package dev.asyncore.http.h2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.twitter.hpack.Encoder;

import dev.asyncore.chat.Terminator;

/**
 * The client side of one HTTP/2 connection carrying one request (stream 1), with no socket: fed by
 * asynchat framing ({@link #collectIncomingData}, {@link #foundTerminator}, {@link #terminator()}:
 * a 9-byte frame header, then its payload), writing its frames to an output. HPACK is
 * {@code com.twitter.hpack}'s; our encoder keeps no dynamic table, so the peer's table size never
 * matters.
 *
 * <p>Bounds: frames up to {@value Frames#MAX_FRAME_SIZE} bytes (SETTINGS_MAX_FRAME_SIZE is never
 * raised), a response header block (compressed and decoded) up to {@code maxHeaderListSize}, a
 * receive window of {@value #WINDOW} bytes replenished as the listener consumes, and at most
 * {@value #MAX_IDLE_FRAMES} frames that carry no response bytes (SETTINGS, PING, PRIORITY, empty
 * DATA or CONTINUATION, unknown types): a peer that floods them is told ENHANCE_YOUR_CALM. Server
 * push is disabled, so PUSH_PROMISE, and any frame on a stream the server opened, is a
 * PROTOCOL_ERROR. A connection error queues GOAWAY and throws {@link Http2Exception}; a stream
 * error queues RST_STREAM and throws it; after either, input is ignored.
 *
 * <p>Not thread-safe: the loop thread drives it.
 */
public final class Http2Session {

	/** The client connection preface (RFC 9113 section 3.4). */
	static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	/** Our receive window, per stream and per connection. */
	static final int WINDOW = 1 << 20;

	static final int MAX_IDLE_FRAMES = 1000;

	private static final int STREAM = 1;

	private static final Terminator FRAME_HEADER = Terminator.length(Frames.HEADER_LENGTH);

	/** Receives the response; a thrown exception ends the session as the caller's failure. */
	public interface Listener {

		/** The final (non-1xx) response head; {@code fields} are the regular fields, names in lower case. */
		void onHead(int status, List<Map.Entry<String, String>> fields) throws IOException;

		/** Body bytes: read them now, the buffer is reused. */
		void onData(ByteBuffer data) throws IOException;

		/** Trailer fields, if the response has them. */
		default void onTrailers(List<Map.Entry<String, String>> fields) throws IOException {
		}

		/** The response ended (END_STREAM); nothing follows. */
		void onEnd() throws IOException;

	}

	private enum Stream {

		OPEN, HEAD_RECEIVED, CLOSED

	}

	private final Consumer<ByteBuffer> output;

	private final Listener listener;

	private final int maxHeaderListSize;

	private final ResponseFields fields;

	private final byte[] header = new byte[Frames.HEADER_LENGTH];

	private final byte[] payload = new byte[Frames.MAX_FRAME_SIZE];

	private int received;

	private boolean inHeader = true;

	private int length;

	private int type;

	private int flags;

	private int streamId;

	private Stream stream = Stream.OPEN;

	private boolean dead;

	private ByteArrayOutputStream block;

	private boolean blockEndsStream;

	private int idleFrames;

	private int receiveWindow = WINDOW;

	private int connectionReceiveWindow = WINDOW;

	private int unacknowledged;

	private long sendWindow = Frames.DEFAULT_WINDOW;

	private long connectionSendWindow = Frames.DEFAULT_WINDOW;

	private int peerInitialWindow = Frames.DEFAULT_WINDOW;

	private byte[] body;

	private int bodySent;

	/**
	 * @param output where frames go, in order (an asynchat's {@code push})
	 * @param listener receives the response
	 * @param maxHeaderListSize the largest response header block, compressed or decoded, in bytes
	 */
	public Http2Session(Consumer<ByteBuffer> output, Listener listener, int maxHeaderListSize) {
		this.output = output;
		this.listener = listener;
		this.maxHeaderListSize = maxHeaderListSize;
		this.fields = new ResponseFields(maxHeaderListSize);
	}

	/**
	 * Writes the preface, our SETTINGS, the connection window, the request's HEADERS and as much of
	 * {@code body} as the peer's windows allow (the rest follows its WINDOW_UPDATEs).
	 * @param fields the pseudo-header fields first ({@code :method}, {@code :scheme},
	 * {@code :authority}, {@code :path}), then the regular fields with lower-case names
	 * @param body the request body, or {@code null} for none (the HEADERS frame ends the stream)
	 */
	public void start(List<Map.Entry<String, String>> fields, byte[] body) throws IOException {
		this.output.accept(ByteBuffer.wrap(PREFACE));
		ByteBuffer settings = ByteBuffer.allocate(18);
		settings.putShort((short) Frames.SETTINGS_ENABLE_PUSH).putInt(0);
		settings.putShort((short) Frames.SETTINGS_INITIAL_WINDOW_SIZE).putInt(WINDOW);
		settings.putShort((short) Frames.SETTINGS_MAX_HEADER_LIST_SIZE).putInt(this.maxHeaderListSize);
		this.output.accept(Frames.frame(Frames.SETTINGS, 0, 0, settings));
		windowUpdate(0, WINDOW - Frames.DEFAULT_WINDOW);
		ByteArrayOutputStream encoded = new ByteArrayOutputStream(256);
		Encoder encoder = new Encoder(0);
		for (Map.Entry<String, String> field : fields) {
			encoder.encodeHeader(encoded, bytes(field.getKey()), bytes(field.getValue()), false);
		}
		byte[] headerBlock = encoded.toByteArray();
		this.body = (body != null && body.length > 0) ? body : null;
		int offset = 0;
		do {
			int n = Math.min(Frames.MAX_FRAME_SIZE, headerBlock.length - offset);
			boolean last = offset + n == headerBlock.length;
			int frameFlags = (last ? Frames.END_HEADERS : 0) | ((offset == 0 && this.body == null) ? Frames.END_STREAM : 0);
			this.output.accept(Frames.frame((offset == 0) ? Frames.HEADERS : Frames.CONTINUATION, frameFlags, STREAM,
					headerBlock, offset, n));
			offset += n;
		}
		while (offset < headerBlock.length);
		sendBody();
	}

	/** What ends the next unit of input. */
	public Terminator terminator() {
		return this.inHeader ? FRAME_HEADER : Terminator.length(this.length);
	}

	/** Whether the response ended or the session failed: nothing more is read. */
	public boolean isClosed() {
		return this.dead || this.stream == Stream.CLOSED;
	}

	/** Bytes of the current unit (frame header or payload). */
	public void collectIncomingData(ByteBuffer data) {
		int n = data.remaining();
		if (this.dead) {
			data.position(data.limit());
			return;
		}
		data.get(this.inHeader ? this.header : this.payload, this.received, n);
		this.received += n;
	}

	/** The current unit is complete. */
	public void foundTerminator() throws IOException {
		if (this.dead) {
			return;
		}
		this.received = 0;
		if (this.inHeader) {
			this.length = ((this.header[0] & 0xff) << 16) | ((this.header[1] & 0xff) << 8) | (this.header[2] & 0xff);
			this.type = this.header[3] & 0xff;
			this.flags = this.header[4] & 0xff;
			this.streamId = ((this.header[5] & 0x7f) << 24) | ((this.header[6] & 0xff) << 16)
					| ((this.header[7] & 0xff) << 8) | (this.header[8] & 0xff);
			if (this.length > Frames.MAX_FRAME_SIZE) {
				throw connectionError(Frames.FRAME_SIZE_ERROR, "a frame of " + this.length
						+ " bytes, larger than SETTINGS_MAX_FRAME_SIZE " + Frames.MAX_FRAME_SIZE);
			}
			if (this.length > 0) {
				this.inHeader = false;
				return;
			}
		}
		this.inHeader = true;
		frame();
	}

	private void frame() throws IOException {
		if (this.block != null && this.type != Frames.CONTINUATION) {
			throw connectionError(Frames.PROTOCOL_ERROR, "a " + typeName() + " frame inside a header block");
		}
		if (this.streamId != 0 && this.streamId != STREAM && this.type != Frames.PRIORITY) {
			// we open stream 1 only and push is off: any other stream is one the peer cannot use
			throw connectionError(Frames.PROTOCOL_ERROR, "a " + typeName() + " frame on stream " + this.streamId
					+ ", which the client never opened");
		}
		switch (this.type) {
			case Frames.DATA -> data();
			case Frames.HEADERS -> headers();
			case Frames.CONTINUATION -> continuation();
			case Frames.PRIORITY -> {
				requireLength(5);
				idle();
			}
			case Frames.RST_STREAM -> resetStream();
			case Frames.SETTINGS -> settings();
			case Frames.PUSH_PROMISE -> throw connectionError(Frames.PROTOCOL_ERROR, "PUSH_PROMISE although push is disabled");
			case Frames.PING -> ping();
			case Frames.GOAWAY -> goAway();
			case Frames.WINDOW_UPDATE -> windowUpdate();
			default -> idle(); // unknown frame types are ignored (section 4.1), but counted
		}
	}

	private void data() throws IOException {
		requireStream();
		if (this.stream != Stream.HEAD_RECEIVED) {
			throw (this.stream == Stream.CLOSED) ? connectionError(Frames.STREAM_CLOSED, "DATA after the stream ended")
					: connectionError(Frames.PROTOCOL_ERROR, "DATA before the response headers");
		}
		if (this.length > this.receiveWindow || this.length > this.connectionReceiveWindow) {
			throw connectionError(Frames.FLOW_CONTROL_ERROR, "DATA beyond the flow-control window");
		}
		this.receiveWindow -= this.length;
		this.connectionReceiveWindow -= this.length;
		int[] range = unpadded(0);
		boolean end = (this.flags & Frames.END_STREAM) != 0;
		if (range[1] > 0) {
			this.listener.onData(ByteBuffer.wrap(this.payload, range[0], range[1]));
		}
		else if (!end) {
			idle();
		}
		if (end) {
			end();
			return;
		}
		this.unacknowledged += this.length;
		if (this.unacknowledged >= WINDOW / 2) {
			// the listener consumed what it was given: give the window back
			windowUpdate(0, this.unacknowledged);
			windowUpdate(STREAM, this.unacknowledged);
			this.receiveWindow += this.unacknowledged;
			this.connectionReceiveWindow += this.unacknowledged;
			this.unacknowledged = 0;
		}
	}

	private void headers() throws IOException {
		requireStream();
		if (this.stream == Stream.CLOSED) {
			throw connectionError(Frames.STREAM_CLOSED, "HEADERS after the stream ended");
		}
		int skip = ((this.flags & Frames.PRIORITY_FLAG) != 0) ? 5 : 0;
		int[] range = unpadded(skip);
		this.block = new ByteArrayOutputStream(Math.max(range[1], 64));
		this.blockEndsStream = (this.flags & Frames.END_STREAM) != 0;
		appendBlock(range[0], range[1]);
	}

	private void continuation() throws IOException {
		if (this.block == null) {
			throw connectionError(Frames.PROTOCOL_ERROR, "CONTINUATION without a header block");
		}
		if (this.streamId != STREAM) {
			throw connectionError(Frames.PROTOCOL_ERROR, "CONTINUATION on another stream than its HEADERS");
		}
		if (this.length == 0 && (this.flags & Frames.END_HEADERS) == 0) {
			idle();
		}
		appendBlock(0, this.length);
	}

	private void appendBlock(int offset, int n) throws IOException {
		if (this.block.size() + n > this.maxHeaderListSize) {
			throw connectionError(Frames.ENHANCE_YOUR_CALM,
					"a response header block larger than " + this.maxHeaderListSize + " bytes");
		}
		this.block.write(this.payload, offset, n);
		if ((this.flags & Frames.END_HEADERS) != 0) {
			byte[] complete = this.block.toByteArray();
			this.block = null;
			headerBlock(complete);
		}
	}

	private void headerBlock(byte[] encoded) throws IOException {
		ResponseFields.Block decoded;
		try {
			decoded = this.fields.decode(encoded);
		}
		catch (IOException | RuntimeException ex) {
			throw connectionError(Frames.COMPRESSION_ERROR, "undecodable HPACK header block (" + ex.getMessage() + ")");
		}
		if (decoded == null) {
			throw connectionError(Frames.ENHANCE_YOUR_CALM,
					"a response header list larger than " + this.maxHeaderListSize + " bytes");
		}
		if (decoded.malformed() != null) {
			throw streamError(Frames.PROTOCOL_ERROR, "a malformed response: " + decoded.malformed());
		}
		int status = decoded.status();
		List<Map.Entry<String, String>> fields = decoded.fields();
		if (this.stream == Stream.HEAD_RECEIVED) {
			if (!this.blockEndsStream || status != -1) {
				throw streamError(Frames.PROTOCOL_ERROR, "a second header block that is not trailers");
			}
			this.listener.onTrailers(fields);
			end();
			return;
		}
		if (status == -1) {
			throw streamError(Frames.PROTOCOL_ERROR, "a malformed response: no :status");
		}
		if (status < 200) {
			if (status == 101 || this.blockEndsStream) {
				throw streamError(Frames.PROTOCOL_ERROR, "an interim response " + status + " where HTTP/2 forbids it");
			}
			return; // informational: the final head follows
		}
		this.stream = Stream.HEAD_RECEIVED;
		this.listener.onHead(status, fields);
		if (this.blockEndsStream) {
			end();
		}
	}

	private void resetStream() throws IOException {
		requireStream();
		requireLength(4);
		if (this.stream == Stream.CLOSED) {
			return;
		}
		int code = ByteBuffer.wrap(this.payload, 0, 4).getInt();
		this.dead = true;
		throw new Http2Exception(code, true, "the server reset the stream (RST_STREAM " + Frames.errorName(code) + ")");
	}

	private void settings() throws IOException {
		if (this.streamId != 0) {
			throw connectionError(Frames.PROTOCOL_ERROR, "SETTINGS on stream " + this.streamId);
		}
		if ((this.flags & Frames.ACK) != 0) {
			if (this.length != 0) {
				throw connectionError(Frames.FRAME_SIZE_ERROR, "a SETTINGS acknowledgement with a payload");
			}
			idle();
			return;
		}
		if (this.length % 6 != 0) {
			throw connectionError(Frames.FRAME_SIZE_ERROR, "SETTINGS of " + this.length + " bytes, not a multiple of 6");
		}
		ByteBuffer in = ByteBuffer.wrap(this.payload, 0, this.length);
		while (in.hasRemaining()) {
			int id = in.getShort() & 0xffff;
			long value = in.getInt() & 0xffffffffL;
			switch (id) {
				case Frames.SETTINGS_ENABLE_PUSH -> {
					if (value > 1) {
						throw connectionError(Frames.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH " + value);
					}
				}
				case Frames.SETTINGS_INITIAL_WINDOW_SIZE -> {
					if (value > Frames.MAX_WINDOW) {
						throw connectionError(Frames.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE " + value);
					}
					this.sendWindow += value - this.peerInitialWindow;
					this.peerInitialWindow = (int) value;
				}
				case Frames.SETTINGS_MAX_FRAME_SIZE -> {
					if (value < Frames.MAX_FRAME_SIZE || value > 0xffffff) {
						throw connectionError(Frames.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE " + value);
					}
				}
				default -> {
					// HEADER_TABLE_SIZE (our encoder keeps no table), MAX_CONCURRENT_STREAMS (we open
					// one), MAX_HEADER_LIST_SIZE (advisory) and unknown settings need nothing
				}
			}
		}
		idle();
		this.output.accept(Frames.frame(Frames.SETTINGS, Frames.ACK, 0, this.payload, 0, 0));
		sendBody();
	}

	private void ping() throws IOException {
		if (this.streamId != 0) {
			throw connectionError(Frames.PROTOCOL_ERROR, "PING on stream " + this.streamId);
		}
		requireLength(8);
		idle();
		if ((this.flags & Frames.ACK) == 0) {
			this.output.accept(Frames.frame(Frames.PING, Frames.ACK, 0, this.payload, 0, 8));
		}
	}

	private void goAway() throws IOException {
		if (this.streamId != 0) {
			throw connectionError(Frames.PROTOCOL_ERROR, "GOAWAY on stream " + this.streamId);
		}
		if (this.length < 8) {
			throw connectionError(Frames.FRAME_SIZE_ERROR, "GOAWAY of " + this.length + " bytes");
		}
		ByteBuffer in = ByteBuffer.wrap(this.payload, 0, this.length);
		int lastStream = in.getInt() & Integer.MAX_VALUE;
		int code = in.getInt();
		String debug = new String(this.payload, 8, Math.min(this.length - 8, 200), StandardCharsets.UTF_8);
		idle();
		if (lastStream < STREAM || code != Frames.NO_ERROR) {
			this.dead = true;
			throw new Http2Exception(code, true, "the server closed the connection with GOAWAY "
					+ Frames.errorName(code) + (debug.isEmpty() ? "" : " (" + debug + ")"));
		}
	}

	private void windowUpdate() throws IOException {
		requireLength(4);
		int increment = ByteBuffer.wrap(this.payload, 0, 4).getInt() & Integer.MAX_VALUE;
		if (increment == 0) {
			throw (this.streamId == 0) ? connectionError(Frames.PROTOCOL_ERROR, "a WINDOW_UPDATE of 0")
					: streamError(Frames.PROTOCOL_ERROR, "a WINDOW_UPDATE of 0");
		}
		if (this.streamId == 0) {
			this.connectionSendWindow += increment;
			if (this.connectionSendWindow > Frames.MAX_WINDOW) {
				throw connectionError(Frames.FLOW_CONTROL_ERROR, "a connection window beyond 2^31-1");
			}
		}
		else if (this.stream != Stream.CLOSED) {
			this.sendWindow += increment;
			if (this.sendWindow > Frames.MAX_WINDOW) {
				throw streamError(Frames.FLOW_CONTROL_ERROR, "a stream window beyond 2^31-1");
			}
		}
		if (this.body == null) {
			idle(); // nothing of ours waits for a window
		}
		sendBody();
	}

	private void sendBody() {
		while (this.body != null && this.sendWindow > 0 && this.connectionSendWindow > 0) {
			int n = (int) Math.min(Math.min(this.sendWindow, this.connectionSendWindow),
					Math.min(Frames.MAX_FRAME_SIZE, this.body.length - this.bodySent));
			boolean last = this.bodySent + n == this.body.length;
			this.output.accept(Frames.frame(Frames.DATA, last ? Frames.END_STREAM : 0, STREAM, this.body, this.bodySent, n));
			this.bodySent += n;
			this.sendWindow -= n;
			this.connectionSendWindow -= n;
			if (last) {
				this.body = null;
			}
		}
	}

	private void end() throws IOException {
		this.stream = Stream.CLOSED;
		this.body = null;
		this.listener.onEnd();
	}

	private void idle() throws Http2Exception {
		if (++this.idleFrames > MAX_IDLE_FRAMES) {
			throw connectionError(Frames.ENHANCE_YOUR_CALM,
					"more than " + MAX_IDLE_FRAMES + " frames that carry no response bytes (a flood)");
		}
	}

	private int[] unpadded(int skip) throws Http2Exception {
		int pad = 0;
		int start = 0;
		if ((this.flags & Frames.PADDED) != 0) {
			if (this.length < 1) {
				throw connectionError(Frames.FRAME_SIZE_ERROR, "a padded " + typeName() + " frame without a pad length");
			}
			pad = this.payload[0] & 0xff;
			start = 1;
		}
		int n = this.length - start - skip - pad;
		if (n < 0) {
			throw connectionError(Frames.PROTOCOL_ERROR, "padding longer than the " + typeName() + " frame");
		}
		return new int[] { start + skip, n };
	}

	private void requireStream() throws Http2Exception {
		if (this.streamId == 0) {
			throw connectionError(Frames.PROTOCOL_ERROR, "a " + typeName() + " frame on stream 0");
		}
	}

	private void requireLength(int expected) throws Http2Exception {
		if (this.length != expected) {
			throw connectionError(Frames.FRAME_SIZE_ERROR,
					"a " + typeName() + " frame of " + this.length + " bytes (must be " + expected + ")");
		}
	}

	private Http2Exception connectionError(int code, String message) {
		this.dead = true;
		this.output.accept(goAwayFrame(code, message));
		return new Http2Exception(code, false, "HTTP/2 connection error " + Frames.errorName(code) + ": " + message);
	}

	private Http2Exception streamError(int code, String message) {
		this.dead = true;
		ByteBuffer reset = ByteBuffer.allocate(4).putInt(code);
		this.output.accept(Frames.frame(Frames.RST_STREAM, 0, STREAM, reset));
		return new Http2Exception(code, false, "HTTP/2 stream error " + Frames.errorName(code) + ": " + message);
	}

	private static ByteBuffer goAwayFrame(int code, String debug) {
		byte[] text = debug.getBytes(StandardCharsets.UTF_8);
		ByteBuffer goAway = ByteBuffer.allocate(8 + Math.min(text.length, 256)).putInt(STREAM).putInt(code);
		goAway.put(text, 0, Math.min(text.length, 256));
		return Frames.frame(Frames.GOAWAY, 0, 0, goAway);
	}

	private void windowUpdate(int stream, int increment) {
		this.output.accept(Frames.frame(Frames.WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment)));
	}

	private String typeName() {
		return Frames.typeName(this.type);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
