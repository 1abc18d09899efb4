package dev.asyncore.probe.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.awaitility.core.ConditionTimeoutException;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static org.awaitility.Awaitility.await;

/**
 * A DNS server for tests on 127.0.0.1 port 0, UDP and TCP on the same port number, built with
 * dnsjava's {@link Message}: it answers each query with what {@link Behaviour} says, which may be
 * hostile. Given an {@link SSLContext}, its TCP side speaks DNS over TLS (RFC 7858) instead.
 * Blocking threads of its own; {@link #close()} stops them.
 */
public final class FakeDnsServer implements AutoCloseable {

	/** What the server sends for one query: zero or more replies, each from the right or a wrong socket. */
	@FunctionalInterface
	interface Behaviour {

		List<Reply> answer(Message query) throws IOException;

	}

	/**
	 * One message sent back, or (with {@code wire == null}) a barrier.
	 * @param fromOtherPort send the UDP reply from another socket
	 * @param raw over TCP, send {@code wire} as it is, without the length prefix
	 */
	record Reply(byte[] wire, boolean fromOtherPort, boolean raw) {

		/**
		 * Over UDP, wait until the prober has read every datagram sent so far (its socket's receive
		 * queue is empty) before sending the next: a flood sent in batches between barriers never
		 * overflows the prober's receive buffer, however slow its loop, so the kernel drops nothing.
		 */
		static final Reply READ_SO_FAR = new Reply(null, false, false);

		static Reply of(byte[] wire) {
			return new Reply(wire, false, false);
		}

		static Reply of(Message message) {
			return of(message.toWire());
		}

		static Reply fromOtherPort(Message message) {
			return new Reply(message.toWire(), true, false);
		}

		static Reply raw(byte[] bytes) {
			return new Reply(bytes, false, true);
		}

	}

	/** Each UDP socket's queues on Linux; Java's dual-stack sockets are in the second. */
	private static final List<Path> PROC_NET_UDP = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

	static final Name WWW = name("www.example.test.");

	static final Name ZONE = name("example.test.");

	private final DatagramSocket udp;

	private final DatagramSocket otherPort;

	private final ServerSocket tcp;

	private final AtomicInteger queries = new AtomicInteger();

	private final AtomicInteger barriersPassed = new AtomicInteger();

	private volatile Behaviour behaviour = FakeDnsServer::zone;

	public FakeDnsServer() throws IOException {
		this(null);
	}

	/** @param tls the server's key material: the TCP side is then TLS from the first byte; {@code null} for plain */
	public FakeDnsServer(SSLContext tls) throws IOException {
		// TCP on the UDP socket's port number, which another process may hold: try a few ports
		DatagramSocket udp = null;
		ServerSocket tcp = null;
		for (int attempt = 0; tcp == null; attempt++) {
			udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			try {
				tcp = (tls != null)
						? tls.getServerSocketFactory().createServerSocket(udp.getLocalPort(), 50, InetAddress.getLoopbackAddress())
						: new ServerSocket(udp.getLocalPort(), 50, InetAddress.getLoopbackAddress());
			}
			catch (BindException ex) {
				udp.close();
				if (attempt == 50) {
					throw ex;
				}
			}
		}
		this.udp = udp;
		this.tcp = tcp;
		this.otherPort = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		Thread udpThread = new Thread(this::serveUdp, "fake-dns-udp");
		udpThread.setDaemon(true);
		udpThread.start();
		Thread tcpThread = new Thread(this::serveTcp, "fake-dns-tcp");
		tcpThread.setDaemon(true);
		tcpThread.start();
	}

	static Name name(String text) {
		try {
			return Name.fromString(text);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	int port() {
		return this.udp.getLocalPort();
	}

	/** {@code 127.0.0.1:port}, the target of a probe. */
	public String target() {
		return "127.0.0.1:" + port();
	}

	int queries() {
		return this.queries.get();
	}

	/** Whether {@link Reply#READ_SO_FAR} can see the prober's receive queue: on Linux. */
	static boolean canSeeReceiveQueues() {
		return PROC_NET_UDP.stream().allMatch(Files::isReadable);
	}

	/** {@link Reply#READ_SO_FAR} barriers at which the prober had read everything sent before. */
	int barriersPassed() {
		return this.barriersPassed.get();
	}

	FakeDnsServer behave(Behaviour behaviour) {
		this.behaviour = behaviour;
		return this;
	}

	/** The reply a small zone gives: www A 192.0.2.1 and 192.0.2.2, example.test SOA, localhost A, NXDOMAIN else. */
	static List<Reply> zone(Message query) throws IOException {
		return List.of(Reply.of(zoneAnswer(query)));
	}

	static Message zoneAnswer(Message query) throws IOException {
		Message reply = reply(query);
		Record question = query.getQuestion();
		if (question.getName().equals(WWW) && question.getType() == Type.A) {
			reply.addRecord(new ARecord(WWW, DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
			reply.addRecord(new ARecord(WWW, DClass.IN, 300, InetAddress.getByName("192.0.2.2")), Section.ANSWER);
		}
		else if (question.getName().equals(name("localhost.")) && question.getType() == Type.A) {
			reply.addRecord(new ARecord(question.getName(), DClass.IN, 0, InetAddress.getByName("127.0.0.1")), Section.ANSWER);
		}
		else if (question.getName().equals(ZONE) && question.getType() == Type.SOA) {
			reply.addRecord(new SOARecord(ZONE, DClass.IN, 3600, name("ns.example.test."), name("admin.example.test."),
					2024123101L, 7200, 900, 1209600, 300), Section.ANSWER);
		}
		else {
			reply.getHeader().setRcode(Rcode.NXDOMAIN);
		}
		return reply;
	}

	/** An empty reply to {@code query}: its ID, QR, RD copied, its question. */
	static Message reply(Message query) {
		Message reply = new Message(query.getHeader().getID());
		reply.getHeader().setFlag(Flags.QR);
		reply.getHeader().setFlag(Flags.AA);
		if (query.getHeader().getFlag(Flags.RD)) {
			reply.getHeader().setFlag(Flags.RD);
		}
		reply.addRecord(query.getQuestion(), Section.QUESTION);
		return reply;
	}

	private void serveUdp() {
		byte[] buffer = new byte[65535];
		while (!this.udp.isClosed()) {
			try {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				this.udp.receive(packet);
				this.queries.incrementAndGet();
				Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
				for (Reply reply : this.behaviour.answer(query)) {
					if (reply == Reply.READ_SO_FAR) {
						awaitRead((InetSocketAddress) packet.getSocketAddress());
						continue;
					}
					DatagramSocket from = reply.fromOtherPort() ? this.otherPort : this.udp;
					from.send(new DatagramPacket(reply.wire(), reply.wire().length, packet.getSocketAddress()));
				}
			}
			catch (SocketException ex) {
				return; // closed
			}
			catch (IOException ex) {
				// a query the server cannot read: ignore it, as a server would
			}
		}
	}

	/**
	 * Waits until the UDP socket at {@code client} (on this host) has nothing left to read: Linux
	 * shows each socket's receive queue in {@code /proc/net/udp} and {@code udp6} (see {@link #canSeeReceiveQueues()}).
	 * Gives up after 10 s, then the
	 * replies go on and the probe shows whatever the prober made of them.
	 */
	private void awaitRead(InetSocketAddress client) {
		String local = String.format(":%04X", client.getPort());
		String remote = String.format(":%04X", port());
		try {
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
				for (Path table : PROC_NET_UDP) {
					for (String line : Files.readAllLines(table)) {
						String[] fields = line.trim().split("\\s+");
						if (fields[1].endsWith(local) && fields[2].endsWith(remote)) {
							return fields[4].endsWith(":00000000"); // tx_queue:rx_queue
						}
					}
				}
				return false;
			});
			this.barriersPassed.incrementAndGet();
		}
		catch (ConditionTimeoutException ex) {
			// the prober did not read: what follows may be dropped, and the test says so
		}
	}

	private void serveTcp() {
		while (!this.tcp.isClosed()) {
			try (Socket socket = this.tcp.accept()) {
				DataInputStream in = new DataInputStream(socket.getInputStream());
				byte[] wire = new byte[in.readUnsignedShort()];
				in.readFully(wire);
				this.queries.incrementAndGet();
				DataOutputStream out = new DataOutputStream(socket.getOutputStream());
				List<Reply> replies = this.behaviour.answer(new Message(wire));
				for (Reply reply : replies) {
					out.write(reply.raw() ? reply.wire() : framed(reply.wire()));
				}
				out.flush();
				if (!replies.isEmpty()) {
					socket.shutdownOutput(); // no reply: leave the connection open and silent
				}
				socket.setSoTimeout(10_000);
				while (in.read() >= 0) {
					// until the prober closes
				}
			}
			catch (IOException ex) {
				if (this.tcp.isClosed()) {
					return;
				}
			}
		}
	}

	/** {@code message} with TCP's two-byte length in front. */
	static byte[] framed(byte[] message) {
		byte[] framed = new byte[message.length + 2];
		framed[0] = (byte) (message.length >> 8);
		framed[1] = (byte) message.length;
		System.arraycopy(message, 0, framed, 2, message.length);
		return framed;
	}

	@Override
	public void close() throws IOException {
		this.udp.close();
		this.otherPort.close();
		this.tcp.close();
	}

}
