package dev.asyncore.probe.dns;

import java.nio.ByteBuffer;

/**
 * One DNS query on the reactor and the messages that come back, over UDP ({@link DnsUdpExchange})
 * or TCP, plain or TLS ({@link DnsTcpExchange}). It judges nothing: it hands each message to its
 * {@link Listener}, which decides, and closes the exchange when done. Loop thread only.
 */
interface DnsExchange {

	/** Stops the exchange and releases its socket; idempotent. */
	void close();

	/** How {@code error} reads in a probe's log. */
	static String reason(Throwable error) {
		return error.getClass().getSimpleName() + ": " + error.getMessage();
	}

	/** What an exchange reports to its owner, on the loop thread, until the owner closes it. */
	interface Listener {

		/** The socket is connected and the query is queued: the request phase starts. */
		void connected();

		/**
		 * A message arrived (a datagram, or one length-framed TCP message).
		 * @param wire the message; valid only during the call
		 */
		void message(ByteBuffer wire);

		/** The exchange cannot go on; {@code reason} says why, in the probe's log. */
		void failed(String reason);

	}

}
