package dev.asyncore.probe.icmp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.asyncore.probe.config.IpProtocol;

/**
 * ICMP echo messages (RFC 792, RFC 4443 section 4): type, code, checksum, identifier, sequence
 * number, data. Builds requests and reads replies; a message that is not a well-formed echo reply is
 * {@code null}, never an exception. Stateless; any thread.
 *
 * @param identifier the echo identifier (for a datagram socket the kernel's, whatever was sent)
 * @param sequence the sequence number
 * @param data what follows the 8-byte header
 */
record IcmpEcho(int identifier, int sequence, byte[] data) {

	static final int ECHO_REQUEST_V4 = 8;

	static final int ECHO_REPLY_V4 = 0;

	static final int ECHO_REQUEST_V6 = 128;

	static final int ECHO_REPLY_V6 = 129;

	/** Type, code, checksum, identifier and sequence number. */
	static final int HEADER = 8;

	/** blackbox_exporter's payload, also the start of a longer one of {@code payload_size} bytes. */
	private static final byte[] TEXT = "Prometheus Blackbox Exporter".getBytes(StandardCharsets.US_ASCII);

	/** The data blackbox_exporter sends: its text, or {@code size} bytes starting with it (zero-padded). */
	static byte[] payload(int size) {
		return (size == 0) ? TEXT.clone() : Arrays.copyOf(TEXT, size);
	}

	/** The request as sent; the IPv4 checksum is computed here (the kernel computes ICMPv6's, and a datagram socket's). */
	byte[] request(IpProtocol family) {
		byte[] message = new byte[HEADER + this.data.length];
		message[0] = (byte) ((family == IpProtocol.IP4) ? ECHO_REQUEST_V4 : ECHO_REQUEST_V6);
		message[4] = (byte) (this.identifier >> 8);
		message[5] = (byte) this.identifier;
		message[6] = (byte) (this.sequence >> 8);
		message[7] = (byte) this.sequence;
		System.arraycopy(this.data, 0, message, HEADER, this.data.length);
		if (family == IpProtocol.IP4) {
			int sum = checksum(message);
			message[2] = (byte) (sum >> 8);
			message[3] = (byte) sum;
		}
		return message;
	}

	/**
	 * The echo reply in {@code message}, or {@code null} if it is shorter than the header, of another
	 * type, or has a non-zero code.
	 */
	static IcmpEcho reply(byte[] message, IpProtocol family) {
		int type = (family == IpProtocol.IP4) ? ECHO_REPLY_V4 : ECHO_REPLY_V6;
		if (message.length < HEADER || (message[0] & 0xff) != type || message[1] != 0) {
			return null;
		}
		return new IcmpEcho(identifier(message), ((message[6] & 0xff) << 8) | (message[7] & 0xff),
				Arrays.copyOfRange(message, HEADER, message.length));
	}

	/** The identifier field of a message at least {@link #HEADER} bytes long. */
	static int identifier(byte[] message) {
		return ((message[4] & 0xff) << 8) | (message[5] & 0xff);
	}

	/** The Internet checksum (RFC 1071) of {@code message} with its checksum field taken as zero. */
	static int checksum(byte[] message) {
		long sum = 0;
		for (int i = 0; i + 1 < message.length; i += 2) {
			if (i != 2) {
				sum += ((message[i] & 0xff) << 8) | (message[i + 1] & 0xff);
			}
		}
		if ((message.length & 1) == 1) {
			sum += (message[message.length - 1] & 0xff) << 8;
		}
		while ((sum >> 16) != 0) {
			sum = (sum & 0xffff) + (sum >> 16);
		}
		return (int) (~sum & 0xffff);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof IcmpEcho echo && echo.identifier == this.identifier && echo.sequence == this.sequence
				&& Arrays.equals(echo.data, this.data);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * this.identifier + this.sequence) + Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "IcmpEcho[id=" + this.identifier + ", seq=" + this.sequence + ", " + this.data.length + " bytes]";
	}

}
