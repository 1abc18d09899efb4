package dev.asyncore.probe.dns;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What one received message is to a query: the reply, one to ignore (UDP: not an answer to this
 * query, perhaps a late or spoofed one), or a failure. Decoding is dnsjava's; the checks before it
 * (header, ID, QR bit, the 512-byte UDP limit) read the bytes, so a stray datagram costs no parse.
 * Any thread.
 */
sealed interface DnsReply {

	/** RFC 1035 4.2.1: the largest UDP message for a query without EDNS (blackbox_exporter reads at most this). */
	int UDP_LIMIT = 512;

	/** The answer to the query. */
	record Answer(Message message) implements DnsReply {
	}

	/** Not an answer to this query: over UDP keep waiting, over TCP fail. */
	record Stray(String reason) implements DnsReply {
	}

	/** An answer to this query that cannot be used. */
	record Broken(String reason) implements DnsReply {
	}

	/** Judges {@code wire} (read from its position to its limit) as the reply to {@code query}. */
	static DnsReply classify(ByteBuffer wire, Message query, boolean udp) {
		int length = wire.remaining();
		if (length < 12) {
			return new Stray(length + " bytes, shorter than a DNS header");
		}
		int id = wire.getShort(wire.position()) & 0xffff;
		int flags = wire.getShort(wire.position() + 2) & 0xffff;
		int expected = query.getHeader().getID();
		if (id != expected) {
			return new Stray("message ID " + id + " is not the query's " + expected);
		}
		if ((flags & 0x8000) == 0) {
			return new Stray("message " + id + " is a query, not a response (QR bit clear)");
		}
		if (udp && length > UDP_LIMIT) {
			return new Broken("reply of " + length + " bytes exceeds " + UDP_LIMIT
					+ ", the UDP limit of a query without EDNS (blackbox_exporter reads 512 and fails to decode)");
		}
		byte[] bytes = new byte[length];
		wire.get(bytes);
		Message reply;
		try {
			reply = new Message(bytes);
		}
		catch (IOException | RuntimeException ex) {
			return new Broken("cannot decode the reply: " + ex.getMessage());
		}
		for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
			// dnsjava keeps what it could read of a truncated (TC) message; miekg/dns fails on it
			if (reply.getSection(section).size() < reply.getHeader().getCount(section)) {
				return new Broken("cannot decode the truncated (TC) reply: section " + Section.longString(section)
						+ " has " + reply.getSection(section).size() + " of " + reply.getHeader().getCount(section)
						+ " records");
			}
		}
		Record question = reply.getQuestion();
		Record asked = query.getQuestion();
		if (question != null && !(question.getName().equals(asked.getName()) && question.getType() == asked.getType()
				&& question.getDClass() == asked.getDClass())) {
			return new Stray("message " + id + " answers another question: " + question.getName() + " "
					+ Type.string(question.getType()) + " " + DnsText.className(question.getDClass()));
		}
		return new Answer(reply);
	}

	/** Whether {@code reply} has the TC bit set. */
	static boolean truncated(Message reply) {
		return reply.getHeader().getFlag(Flags.TC);
	}

}
