package dev.asyncore.probe.target;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.asyncore.http.Resolver;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.YamlSection;

/**
 * Beyond blackbox_exporter: a module's own name server for the http and tcp probers' look-up
 * ({@code dns_server: 10.0.0.53} or {@code "[fd00::53]:5353"}, with {@code dns_timeout}, default 5s):
 * the AAAA and A records of the name, asked over UDP (dnsjava's wire format only), each answer
 * checked to be the reply to its query. Blocking: runs on the probe's look-up executor, never on a
 * loop. A reply cut short (TC) is used as it came. Immutable; any thread.
 *
 * @param address the server, an IP literal (port 53 unless given)
 * @param timeout how long each of the two queries may wait
 */
public record DnsServer(InetSocketAddress address, Duration timeout) implements Resolver {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/** {@code dns_server} and {@code dns_timeout} of a prober's section, or {@code null} without {@code dns_server}. */
	public static DnsServer parse(YamlSection s) {
		String text = s.string("dns_server", "");
		Duration timeout = s.duration("dns_timeout", DEFAULT_TIMEOUT);
		if (text.isEmpty()) {
			return null;
		}
		InetAddress literal = IpLiteral.parse(text);
		int port = 53;
		if (literal == null) {
			try {
				TargetAddress split = TargetAddress.parse(text, 53);
				literal = IpLiteral.parse(split.host());
				port = split.port();
			}
			catch (IllegalArgumentException ex) {
				literal = null;
			}
		}
		if (literal == null || timeout.isZero() || timeout.isNegative()) {
			throw new ModuleConfigException(s.key((literal == null) ? "dns_server" : "dns_timeout"), (literal == null)
					? "'" + text + "' is not an IP address with an optional port, such as 10.0.0.53 or [fd00::53]:5353"
					: "must be positive");
		}
		return new DnsServer(new InetSocketAddress(literal, port), timeout);
	}

	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		InetAddress literal = IpLiteral.parse(host);
		if (literal != null) {
			return new InetAddress[] { literal };
		}
		Name name;
		try {
			name = Name.fromString(host.endsWith(".") ? host : host + ".");
		}
		catch (TextParseException ex) {
			throw new UnknownHostException(host + ": " + ex.getMessage());
		}
		List<InetAddress> found = new ArrayList<>();
		for (int type : new int[] { Type.AAAA, Type.A }) {
			found.addAll(query(name, type));
		}
		if (found.isEmpty()) {
			throw new UnknownHostException("lookup " + host + " on " + this.address.getAddress().getHostAddress() + ":"
					+ this.address.getPort() + ": no such host");
		}
		return found.toArray(new InetAddress[0]);
	}

	private List<InetAddress> query(Name name, int type) throws UnknownHostException {
		Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
		byte[] wire = query.toWire();
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.connect(this.address);
			socket.send(new DatagramPacket(wire, wire.length));
			long deadline = System.nanoTime() + this.timeout.toNanos();
			byte[] buffer = new byte[65535];
			while (true) {
				long left = (deadline - System.nanoTime()) / 1_000_000;
				if (left <= 0) {
					throw new SocketTimeoutException();
				}
				socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				socket.receive(packet);
				Message reply;
				try {
					reply = new Message(Arrays.copyOf(buffer, packet.getLength()));
				}
				catch (IOException ex) {
					continue; // not a DNS message: not our answer
				}
				if (reply.getHeader().getID() != query.getHeader().getID() || reply.getQuestion() == null
						|| !reply.getQuestion().getName().equals(name) || reply.getQuestion().getType() != type) {
					continue;
				}
				List<InetAddress> addresses = new ArrayList<>();
				if (reply.getRcode() == Rcode.NOERROR) {
					for (Record record : reply.getSection(Section.ANSWER)) {
						if (record instanceof ARecord a) {
							addresses.add(a.getAddress());
						}
						else if (record instanceof AAAARecord aaaa) {
							addresses.add(aaaa.getAddress());
						}
					}
				}
				return addresses;
			}
		}
		catch (SocketTimeoutException ex) {
			throw new UnknownHostException("lookup " + name + " on " + this.address.getAddress().getHostAddress() + ":"
					+ this.address.getPort() + ": i/o timeout after " + this.timeout.toMillis() + " ms");
		}
		catch (IOException ex) {
			throw new UnknownHostException("lookup " + name + " on " + this.address.getAddress().getHostAddress() + ": "
					+ ex.getMessage());
		}
	}

}
