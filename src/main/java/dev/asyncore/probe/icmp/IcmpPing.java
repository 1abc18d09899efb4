package dev.asyncore.probe.icmp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.target.IpText;

/**
 * One icmp probe once the address is known: opens its socket (datagram, else raw), sends
 * {@code packets} echo requests {@code interval} apart on the loop's timers, and matches replies
 * until every request is answered or the deadline passes. Replies come from the {@link IcmpPoller}
 * thread: it drops, without touching this probe's state, what is not an echo reply from the target
 * with this probe's identifier (raw sockets see every process's ICMP), and posts the rest to the
 * loop, at most {@link #postLimit} of them. On the loop a reply must carry one of this probe's
 * sequence numbers and its exact data. Loop thread only, except the poller's filter.
 */
final class IcmpPing {

	private static final String DURATION = "probe_icmp_duration_seconds";

	private static final String DURATION_HELP = "Duration of icmp request by phase";

	/** Identifiers of this process's raw-socket probes in flight: no two share one. */
	private static final Set<Integer> IDENTIFIERS = ConcurrentHashMap.newKeySet();

	/** The next sequence number, process-wide, from a random start (as blackbox_exporter's). */
	private static final AtomicInteger SEQUENCE = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

	private final Reactor reactor;

	private final IcmpPoller poller;

	private final IcmpOptions options;

	private final InetAddress target;

	private final IcmpSocket socket;

	private final ProbeReport report;

	private final ProbeLog log;

	private final int replyType;

	private final int identifier;

	private final int firstSequence;

	private final byte[] payload;

	private final long[] sentAt;

	private final boolean[] answered;

	private final RttStats rtt = new RttStats();

	private final AtomicInteger posted = new AtomicInteger();

	private final int postLimit;

	private final CompletableFuture<Boolean> result = new CompletableFuture<>();

	private IcmpPoller.Registration registration;

	private TimerHandle deadline;

	private TimerHandle nextSend;

	private int sent;

	private int hopLimit = -1;

	private boolean ended;

	private IcmpPing(Reactor reactor, IcmpPoller poller, IcmpOptions options, InetAddress target, IcmpSocket socket,
			ProbeReport report, ProbeLog log) {
		this.reactor = reactor;
		this.poller = poller;
		this.options = options;
		this.target = target;
		this.socket = socket;
		this.report = report;
		this.log = log;
		this.replyType = (socket.family() == IpProtocol.IP4) ? IcmpEcho.ECHO_REPLY_V4 : IcmpEcho.ECHO_REPLY_V6;
		this.identifier = (socket.kind() == IcmpSocket.Kind.RAW) ? takeIdentifier() : 0;
		this.firstSequence = SEQUENCE.getAndAdd(options.packets()) & 0xffff;
		this.payload = IcmpEcho.payload(options.payloadSize());
		this.sentAt = new long[options.packets()];
		this.answered = new boolean[options.packets()];
		// every request answered twice over, plus spoofed copies: more than this is a flood, dropped unread
		this.postLimit = 4 * options.packets() + 64;
	}

	/**
	 * Opens the socket, sends the first request and waits for replies. Loop thread.
	 * @param budget what is left of the probe's timeout
	 * @return whether enough requests were answered; never completes exceptionally
	 */
	static CompletableFuture<Boolean> start(Reactor reactor, IcmpPoller poller, IcmpSocket socket, IcmpOptions options,
			InetAddress target, Duration budget, long setupStart, ProbeReport report, ProbeLog log,
			CompletionStage<Void> cancel) {
		IcmpPing ping = new IcmpPing(reactor, poller, options, target, socket, report, log);
		ping.registration = poller.register(socket, ping::filter);
		ping.deadline = reactor.schedule(budget, ping::timedOut);
		report.gauge(DURATION, DURATION_HELP, (System.nanoTime() - setupStart) / 1e9, "phase", "setup");
		cancel.thenRun(() -> {
			log.error("Error reading from socket", "err", "operation was canceled");
			ping.end();
		});
		ping.sendNext();
		return ping.result;
	}

	private static int takeIdentifier() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (true) {
			int candidate = random.nextInt(1 << 16);
			if (IDENTIFIERS.add(candidate)) {
				return candidate;
			}
		}
	}

	/** Poller thread: drops what cannot be this probe's reply, posts the rest to the loop. */
	private void filter(IcmpSocket.Datagram datagram) {
		byte[] icmp = datagram.icmp();
		if (datagram.truncated() || icmp.length < IcmpEcho.HEADER || (icmp[0] & 0xff) != this.replyType
				|| !this.target.equals(datagram.from())) {
			return;
		}
		if (this.socket.kind() == IcmpSocket.Kind.RAW && IcmpEcho.identifier(icmp) != this.identifier) {
			return; // another process's ping, or another probe's
		}
		if (this.socket.kind() == IcmpSocket.Kind.RAW && this.socket.family() == IpProtocol.IP4
				&& IcmpEcho.checksum(icmp) != (((icmp[2] & 0xff) << 8) | (icmp[3] & 0xff))) {
			return; // raw IPv4 sockets get packets before the kernel checks them (ICMPv6's are checked first)
		}
		if (this.posted.incrementAndGet() <= this.postLimit) {
			this.reactor.execute(() -> received(datagram));
		}
	}

	private void sendNext() {
		if (this.ended) {
			return;
		}
		int sequence = (this.firstSequence + this.sent) & 0xffff;
		IcmpEcho request = new IcmpEcho(this.identifier, sequence, this.payload);
		this.log.info("Creating ICMP packet", "seq", sequence, "id", this.identifier);
		this.log.info("Writing out packet");
		this.sentAt[this.sent] = System.nanoTime();
		try {
			this.socket.send(request.request(this.socket.family()), this.target);
		}
		catch (NativeError ex) {
			this.log.error("Error writing to socket", "err", ex.getMessage());
			end();
			return;
		}
		this.sent++;
		if (this.sent < this.options.packets()) {
			this.nextSend = this.reactor.schedule(this.options.interval(), this::sendNext);
		}
		else {
			this.log.info("Waiting for reply packets");
		}
	}

	private void received(IcmpSocket.Datagram datagram) {
		if (this.ended) {
			return;
		}
		IcmpEcho echo = IcmpEcho.reply(datagram.icmp(), this.socket.family());
		if (echo == null) {
			return;
		}
		int index = (echo.sequence() - this.firstSequence) & 0xffff;
		if (index >= this.sent) {
			return; // a sequence number this probe did not send
		}
		if (!Arrays.equals(echo.data(), this.payload)) {
			this.log.info("Ignoring reply with other data", "seq", echo.sequence(), "length", echo.data().length);
			return;
		}
		if (this.answered[index]) {
			this.log.info("Duplicate packet received", "seq", echo.sequence());
			return;
		}
		this.answered[index] = true;
		this.rtt.add(Math.max(0, datagram.nanos() - this.sentAt[index]) / 1e9);
		if (datagram.hopLimit() >= 0) {
			this.hopLimit = datagram.hopLimit();
		}
		this.log.info("Found matching reply packet", "seq", echo.sequence(), "ip", IpText.of(datagram.from()));
		if (this.rtt.count() == this.options.packets()) {
			end();
		}
	}

	private void timedOut() {
		if (!this.ended) {
			this.log.error("Timeout reading from socket", "err", "i/o timeout", "received", this.rtt.count(),
					"sent", this.sent);
			end();
		}
	}

	private void end() {
		if (this.ended) {
			return;
		}
		this.ended = true;
		if (this.deadline != null) {
			this.deadline.cancel();
		}
		if (this.nextSend != null) {
			this.nextSend.cancel();
		}
		this.poller.cancel(this.registration);
		if (this.socket.kind() == IcmpSocket.Kind.RAW) {
			IDENTIFIERS.remove(this.identifier);
		}
		int received = this.rtt.count();
		this.report.gauge(DURATION, DURATION_HELP, this.rtt.mean(), "phase", "rtt");
		if (received > 0 && this.hopLimit >= 0) {
			this.report.gauge("probe_icmp_reply_hop_limit", "Replied packet hop limit (TTL for ipv4)", this.hopLimit);
		}
		this.report.gauge("probe_icmp_packets_sent_count", "Number of ICMP packets sent", this.sent);
		this.report.gauge("probe_icmp_packets_received_count", "Number of ICMP packets received", received);
		this.report.gauge("probe_icmp_duration_rtt_min_seconds", "Minimum duration of round trip time phase", this.rtt.min());
		this.report.gauge("probe_icmp_duration_rtt_max_seconds", "Maximum duration of round trip time phase", this.rtt.max());
		this.report.gauge("probe_icmp_duration_rtt_stddev_seconds", "Standard deviation of round trip time phase",
				this.rtt.stddev());
		double loss = 100.0 * (this.options.packets() - received) / this.options.packets();
		boolean success = received > 0 && loss <= this.options.maxPacketLossPercent();
		if (this.options.packets() > 1) {
			this.log.info("Probe finished", "packets_sent", this.sent, "packets_received", received, "loss_percent", loss);
		}
		this.result.complete(success);
	}

	@Override
	public String toString() {
		return "IcmpPing[" + IpText.of(this.target) + ", " + this.socket + ", id=" + this.identifier + ", sent="
				+ this.sent + ", received=" + this.rtt.count() + (this.ended ? ", ended" : "") + "]";
	}

}
