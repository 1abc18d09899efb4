package dev.asyncore.http.h2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.twitter.hpack.Encoder;

/** Builds and parses raw HTTP/2 frames for tests (a test server's side of the wire). */
public final class H2Frames {

	public static final int DATA = Frames.DATA;

	public static final int HEADERS = Frames.HEADERS;

	public static final int SETTINGS = Frames.SETTINGS;

	public static final int PING = Frames.PING;

	public static final int GOAWAY = Frames.GOAWAY;

	public static final int RST_STREAM = Frames.RST_STREAM;

	public static final int WINDOW_UPDATE = Frames.WINDOW_UPDATE;

	public static final int PUSH_PROMISE = Frames.PUSH_PROMISE;

	public static final int CONTINUATION = Frames.CONTINUATION;

	public static final byte[] PREFACE = Http2Session.PREFACE;

	/** One parsed frame. */
	public record Frame(int type, int flags, int stream, byte[] payload) {

		public int errorCode() {
			ByteBuffer in = ByteBuffer.wrap(this.payload);
			return (this.type == Frames.GOAWAY) ? in.getInt(4) : in.getInt(0);
		}

	}

	private H2Frames() {
	}

	public static byte[] frame(int type, int flags, int stream, byte[] payload) {
		return Frames.frame(type, flags, stream, payload, 0, payload.length).array();
	}

	/** An HPACK block (no Huffman preference, no indexing) of name/value pairs. */
	public static byte[] block(String... namesAndValues) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			Encoder encoder = new Encoder(0);
			for (int i = 0; i < namesAndValues.length; i += 2) {
				encoder.encodeHeader(out, namesAndValues[i].getBytes(StandardCharsets.ISO_8859_1),
						namesAndValues[i + 1].getBytes(StandardCharsets.ISO_8859_1), false);
			}
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static byte[] headers(int flags, int stream, String... namesAndValues) {
		return frame(HEADERS, flags | Frames.END_HEADERS, stream, block(namesAndValues));
	}

	public static byte[] data(int flags, int stream, String text) {
		return frame(DATA, flags, stream, text.getBytes(StandardCharsets.UTF_8));
	}

	public static byte[] settings() {
		return frame(SETTINGS, 0, 0, new byte[0]);
	}

	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** The frames in {@code bytes} (which may start with the client preface). */
	public static List<Frame> parse(byte[] bytes) {
		ByteBuffer in = ByteBuffer.wrap(bytes);
		if (bytes.length >= PREFACE.length && ByteBuffer.wrap(bytes, 0, PREFACE.length).equals(ByteBuffer.wrap(PREFACE))) {
			in.position(PREFACE.length);
		}
		List<Frame> frames = new ArrayList<>();
		while (in.remaining() >= Frames.HEADER_LENGTH) {
			int length = ((in.get() & 0xff) << 16) | ((in.get() & 0xff) << 8) | (in.get() & 0xff);
			int type = in.get() & 0xff;
			int flags = in.get() & 0xff;
			int stream = in.getInt() & Integer.MAX_VALUE;
			if (in.remaining() < length) {
				break;
			}
			byte[] payload = new byte[length];
			in.get(payload);
			frames.add(new Frame(type, flags, stream, payload));
		}
		return frames;
	}

}
