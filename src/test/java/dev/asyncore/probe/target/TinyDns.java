package dev.asyncore.probe.target;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A name server on 127.0.0.1 (UDP, port 0) that knows one name: {@code probe.test} has the A record
 * 127.0.0.1 and no AAAA; every other name is NXDOMAIN. Counts the queries it answered. One thread.
 */
public final class TinyDns implements AutoCloseable {

	public static final String NAME = "probe.test";

	private final DatagramSocket socket;

	private final AtomicInteger queries = new AtomicInteger();

	public TinyDns() throws IOException {
		this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread thread = new Thread(this::serve, "tiny-dns");
		thread.setDaemon(true);
		thread.start();
	}

	private void serve() {
		byte[] buffer = new byte[512];
		while (!this.socket.isClosed()) {
			try {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				this.socket.receive(packet);
				Message query = new Message(Arrays.copyOf(buffer, packet.getLength()));
				Record question = query.getQuestion();
				Message reply = new Message(query.getHeader().getID());
				reply.getHeader().setFlag(Flags.QR);
				reply.addRecord(question, Section.QUESTION);
				if (!question.getName().equals(Name.fromString(NAME + "."))) {
					reply.getHeader().setRcode(Rcode.NXDOMAIN);
				}
				else if (question.getType() == Type.A) {
					reply.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName("127.0.0.1")),
							Section.ANSWER);
				}
				this.queries.incrementAndGet();
				byte[] wire = reply.toWire();
				this.socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
			}
			catch (IOException ex) {
				// closed, or a datagram that is not a query: next
			}
		}
	}

	/** {@code 127.0.0.1:port}, as {@code dns_server} takes it. */
	public String address() {
		return "127.0.0.1:" + this.socket.getLocalPort();
	}

	public int queries() {
		return this.queries.get();
	}

	@Override
	public void close() {
		this.socket.close();
	}

}
