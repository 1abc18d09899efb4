package dev.asyncore.http.h2;

import java.nio.ByteBuffer;

/** RFC 9113 frame types, flags, settings and error codes, and writing one frame. */
final class Frames {

	static final int HEADER_LENGTH = 9;

	/** SETTINGS_MAX_FRAME_SIZE's initial value: the largest frame we accept and the largest we send. */
	static final int MAX_FRAME_SIZE = 16384;

	static final int DEFAULT_WINDOW = 65535;

	static final int MAX_WINDOW = Integer.MAX_VALUE;

	static final int DATA = 0;

	static final int HEADERS = 1;

	static final int PRIORITY = 2;

	static final int RST_STREAM = 3;

	static final int SETTINGS = 4;

	static final int PUSH_PROMISE = 5;

	static final int PING = 6;

	static final int GOAWAY = 7;

	static final int WINDOW_UPDATE = 8;

	static final int CONTINUATION = 9;

	static final int END_STREAM = 0x1;

	static final int ACK = 0x1;

	static final int END_HEADERS = 0x4;

	static final int PADDED = 0x8;

	static final int PRIORITY_FLAG = 0x20;

	static final int SETTINGS_HEADER_TABLE_SIZE = 1;

	static final int SETTINGS_ENABLE_PUSH = 2;

	static final int SETTINGS_INITIAL_WINDOW_SIZE = 4;

	static final int SETTINGS_MAX_FRAME_SIZE = 5;

	static final int SETTINGS_MAX_HEADER_LIST_SIZE = 6;

	static final int NO_ERROR = 0x0;

	static final int PROTOCOL_ERROR = 0x1;

	static final int INTERNAL_ERROR = 0x2;

	static final int FLOW_CONTROL_ERROR = 0x3;

	static final int STREAM_CLOSED = 0x5;

	static final int FRAME_SIZE_ERROR = 0x6;

	static final int CANCEL = 0x8;

	static final int COMPRESSION_ERROR = 0x9;

	static final int ENHANCE_YOUR_CALM = 0xb;

	private static final String[] ERROR_NAMES = { "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
			"FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
			"COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED" };

	private Frames() {
	}

	/** One frame: the 9-byte header and {@code length} bytes of {@code payload} from {@code offset}. */
	static ByteBuffer frame(int type, int flags, int stream, byte[] payload, int offset, int length) {
		ByteBuffer frame = ByteBuffer.allocate(HEADER_LENGTH + length);
		frame.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
		frame.put((byte) type).put((byte) flags).putInt(stream & Integer.MAX_VALUE);
		if (length > 0) {
			frame.put(payload, offset, length);
		}
		return frame.flip();
	}

	static ByteBuffer frame(int type, int flags, int stream, ByteBuffer payload) {
		return frame(type, flags, stream, payload.array(), 0, payload.position());
	}

	static String errorName(int code) {
		return (code >= 0 && code < ERROR_NAMES.length) ? ERROR_NAMES[code] : "0x" + Integer.toHexString(code);
	}

	static String typeName(int type) {
		return switch (type) {
			case DATA -> "DATA";
			case HEADERS -> "HEADERS";
			case PRIORITY -> "PRIORITY";
			case RST_STREAM -> "RST_STREAM";
			case SETTINGS -> "SETTINGS";
			case PUSH_PROMISE -> "PUSH_PROMISE";
			case PING -> "PING";
			case GOAWAY -> "GOAWAY";
			case WINDOW_UPDATE -> "WINDOW_UPDATE";
			case CONTINUATION -> "CONTINUATION";
			default -> "type " + type;
		};
	}

}
