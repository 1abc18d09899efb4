package dev.asyncore.probe.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** RFC 6455's client side in bytes: the handshake's accept value and a client frame. Stateless; any thread. */
final class WebsocketFrames {

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B65";

	private static final SecureRandom RANDOM = new SecureRandom();

	private WebsocketFrames() {
	}

	/** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64. */
	static String key() {
		byte[] nonce = new byte[16];
		RANDOM.nextBytes(nonce);
		return Base64.getEncoder().encodeToString(nonce);
	}

	/** The {@code Sec-WebSocket-Accept} a server must answer to {@code key} (RFC 6455 §4.2.2). */
	static String accept(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is in every JDK", ex);
		}
	}

	/** A client frame: final, masked with a fresh key (RFC 6455 §5.3). */
	static byte[] frame(int opcode, byte[] payload) {
		int lengthBytes = (payload.length < 126) ? 0 : (payload.length <= 0xFFFF) ? 2 : 8;
		ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + payload.length);
		frame.put((byte) (0x80 | opcode));
		if (lengthBytes == 0) {
			frame.put((byte) (0x80 | payload.length));
		}
		else if (lengthBytes == 2) {
			frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
		}
		else {
			frame.put((byte) (0x80 | 127)).putLong(payload.length);
		}
		byte[] mask = new byte[4];
		RANDOM.nextBytes(mask);
		frame.put(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.put((byte) (payload[i] ^ mask[i & 3]));
		}
		return frame.array();
	}

}
