package dev.asyncore.probe.dns;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;

/** Which received messages answer a query, which are strays and which are broken. */
class DnsReplyTest {

	private final Message query = Message.newQuery(Record.newRecord(name("www.example.org."), Type.A, DClass.IN));

	private static Name name(String text) {
		try {
			return Name.fromString(text);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private Message answer() throws Exception {
		Message reply = new Message(this.query.getHeader().getID());
		reply.getHeader().setFlag(Flags.QR);
		reply.addRecord(this.query.getQuestion(), Section.QUESTION);
		reply.addRecord(new ARecord(name("www.example.org."), DClass.IN, 60, InetAddress.getByName("192.0.2.1")),
				Section.ANSWER);
		return reply;
	}

	private DnsReply udp(byte[] wire) {
		return DnsReply.classify(ByteBuffer.wrap(wire), this.query, true);
	}

	@Test
	void whenTheReplyAnswersTheQueryThenItIsTheAnswer() throws Exception {
		DnsReply reply = udp(answer().toWire());
		assertThat(reply).isInstanceOf(DnsReply.Answer.class);
		assertThat(((DnsReply.Answer) reply).message().getSection(Section.ANSWER)).hasSize(1);
	}

	@Test
	void whenTheIdOrDirectionOrQuestionDifferThenItIsAStray() throws Exception {
		Message other = answer();
		other.getHeader().setID((this.query.getHeader().getID() + 1) & 0xffff);
		assertThat(udp(other.toWire())).isInstanceOf(DnsReply.Stray.class);
		assertThat(udp(this.query.toWire())).isInstanceOf(DnsReply.Stray.class);
		assertThat(udp(new byte[5])).isInstanceOf(DnsReply.Stray.class);
		Message elsewhere = new Message(this.query.getHeader().getID());
		elsewhere.getHeader().setFlag(Flags.QR);
		elsewhere.addRecord(Record.newRecord(name("evil.example."), Type.A, DClass.IN), Section.QUESTION);
		assertThat(udp(elsewhere.toWire())).isInstanceOfSatisfying(DnsReply.Stray.class,
				s -> assertThat(s.reason()).contains("answers another question"));
	}

	@Test
	void whenTheReplyIsGarbageBehindTheRightIdThenItIsBroken() throws Exception {
		byte[] wire = answer().toWire();
		byte[] cut = Arrays.copyOf(wire, wire.length - 3);
		assertThat(udp(cut)).isInstanceOfSatisfying(DnsReply.Broken.class,
				b -> assertThat(b.reason()).contains("cannot decode"));
	}

	@Test
	void whenATruncatedReplyDecodesThenItIsTheAnswerAndWhenNotItIsBroken() throws Exception {
		Message reply = answer();
		reply.getHeader().setFlag(Flags.TC);
		assertThat(udp(reply.toWire())).isInstanceOf(DnsReply.Answer.class);
		byte[] wire = reply.toWire();
		assertThat(udp(Arrays.copyOf(wire, wire.length - 2))).isInstanceOfSatisfying(DnsReply.Broken.class,
				b -> assertThat(b.reason()).contains("truncated (TC)"));
	}

	@Test
	void whenAUdpReplyExceeds512BytesThenItIsBrokenButOverTcpItIsFine() throws Exception {
		Message reply = answer();
		for (int i = 0; i < 4; i++) {
			reply.addRecord(new TXTRecord(name("www.example.org."), DClass.IN, 60, "x".repeat(200)), Section.ADDITIONAL);
		}
		byte[] wire = reply.toWire();
		assertThat(wire.length).isGreaterThan(512);
		assertThat(udp(wire)).isInstanceOfSatisfying(DnsReply.Broken.class, b -> assertThat(b.reason()).contains("512"));
		assertThat(DnsReply.classify(ByteBuffer.wrap(wire), this.query, false)).isInstanceOf(DnsReply.Answer.class);
	}

}
