package dev.asyncore.probe.grpc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two messages of {@code grpc.health.v1.Health/Check} in protobuf wire format, by hand (no
 * protoc): {@code HealthCheckRequest { string service = 1; }} and
 * {@code HealthCheckResponse { ServingStatus status = 1; }}, each in gRPC's length-prefixed framing
 * (a compressed flag byte and a 4-byte big-endian length).
 */
final class HealthMessages {

	/** {@code HealthCheckResponse.ServingStatus} names by number, as blackbox_exporter labels them. */
	static final List<String> SERVING_STATUS = List.of("UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN");

	private HealthMessages() {
	}

	/** A framed {@code HealthCheckRequest}; an empty service is the empty message. */
	static byte[] request(String service) {
		byte[] name = service.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream message = new ByteArrayOutputStream(name.length + 8);
		if (name.length > 0) {
			message.write(0x0a); // field 1, length-delimited
			varint(message, name.length);
			message.writeBytes(name);
		}
		byte[] payload = message.toByteArray();
		return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(payload.length).put(payload).array();
	}

	/**
	 * The serving status in a framed {@code HealthCheckResponse} ({@code UNKNOWN}, 0, when the field
	 * is absent, as protobuf's default).
	 * @throws IllegalArgumentException when {@code framed} is not one uncompressed, well-formed message
	 */
	static int servingStatus(byte[] framed) {
		ByteBuffer in = ByteBuffer.wrap(framed);
		if (in.remaining() < 5) {
			throw new IllegalArgumentException("a response of " + framed.length + " bytes, shorter than the 5-byte gRPC prefix");
		}
		if (in.get() != 0) {
			throw new IllegalArgumentException("a compressed response, although none was offered");
		}
		int length = in.getInt();
		if (length != in.remaining()) {
			throw new IllegalArgumentException("a message of " + in.remaining() + " bytes where the prefix says " + length);
		}
		int status = 0;
		while (in.hasRemaining()) {
			long tag = varint(in);
			int wireType = (int) (tag & 7);
			if (tag >>> 3 == 1 && wireType == 0) {
				status = (int) varint(in);
				continue;
			}
			switch (wireType) {
				case 0 -> varint(in);
				case 1 -> skip(in, 8);
				case 2 -> skip(in, varint(in));
				case 5 -> skip(in, 4);
				default -> throw new IllegalArgumentException("a field of wire type " + wireType);
			}
		}
		return status;
	}

	private static void varint(ByteArrayOutputStream out, long value) {
		while ((value & ~0x7fL) != 0) {
			out.write((int) ((value & 0x7f) | 0x80));
			value >>>= 7;
		}
		out.write((int) value);
	}

	private static long varint(ByteBuffer in) {
		long value = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (!in.hasRemaining()) {
				throw new IllegalArgumentException("a truncated varint");
			}
			byte b = in.get();
			value |= (long) (b & 0x7f) << shift;
			if (b >= 0) {
				return value;
			}
		}
		throw new IllegalArgumentException("a varint longer than 10 bytes");
	}

	private static void skip(ByteBuffer in, long n) {
		if (n < 0 || n > in.remaining()) {
			throw new IllegalArgumentException("a field longer than the message");
		}
		in.position(in.position() + (int) n);
	}

}
