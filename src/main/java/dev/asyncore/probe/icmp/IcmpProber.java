package dev.asyncore.probe.icmp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.target.IpText;
import dev.asyncore.probe.target.TargetAddress;

/**
 * The icmp prober, as blackbox_exporter's {@code ProbeICMP}: the target is a host name or address
 * (no port), chosen by {@code preferred_ip_protocol}; an unprivileged datagram ping socket is tried
 * first, a raw socket next; then echo requests are sent and matched ({@link IcmpPing}). Metrics:
 * {@code probe_icmp_duration_seconds{phase="resolve|setup|rtt"}}, {@code probe_icmp_reply_hop_limit},
 * {@code probe_ip_protocol}, {@code probe_ip_addr_hash}, {@code probe_dns_lookup_time_seconds}, and
 * (beyond blackbox_exporter, named as Grafana's synthetic-monitoring agent names them)
 * {@code probe_icmp_packets_sent_count}, {@code probe_icmp_packets_received_count} and
 * {@code probe_icmp_duration_rtt_{min,max,stddev}_seconds}. Loop thread of its reactor.
 */
public final class IcmpProber implements Prober<IcmpOptions> {

	private final Reactor reactor;

	private final Resolver resolver;

	private final Executor resolverExecutor;

	private final FetchPolicy policy;

	private final IcmpSocket.Opener opener;

	public IcmpProber(Reactor reactor, Resolver resolver, Executor resolverExecutor, FetchPolicy policy) {
		this(reactor, resolver, resolverExecutor, policy, IcmpSocket::open);
	}

	/** @param opener opens the ICMP sockets (tests open them in a network namespace, or fail them) */
	IcmpProber(Reactor reactor, Resolver resolver, Executor resolverExecutor, FetchPolicy policy,
			IcmpSocket.Opener opener) {
		this.reactor = reactor;
		this.resolver = resolver;
		this.resolverExecutor = resolverExecutor;
		this.policy = policy;
		this.opener = opener;
	}

	@Override
	public CompletableFuture<Boolean> run(IcmpOptions icmp, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		for (String phase : new String[] { "resolve", "setup", "rtt" }) {
			report.gauge("probe_icmp_duration_seconds", "Duration of icmp request by phase", 0, "phase", phase);
		}
		if (!this.policy.allowedPorts().isEmpty()) {
			log.error("Target refused by the blackbox policy", "err",
					"an icmp target has no port, and the policy allows only ports " + this.policy.allowedPorts());
			return CompletableFuture.completedFuture(false);
		}
		// the target is a host; the shared resolution reads host:port, so it is given port 0
		String hostAndPort = (target.indexOf(':') >= 0 && !target.startsWith("[")) ? "[" + target + "]:0" : target + ":0";
		return TargetAddress.resolveThen(hostAndPort, icmp.ipProtocol(), this.resolver, this.resolverExecutor,
				this.policy, this.reactor, timeout, report, log, cancel, (parsed, address, budget) -> {
					Double lookup = report.value("probe_dns_lookup_time_seconds");
					report.gauge("probe_icmp_duration_seconds", "Duration of icmp request by phase",
							(lookup != null) ? lookup : 0, "phase", "resolve");
					return ping(icmp, address.getAddress(), budget, report, log, cancel);
				});
	}

	private CompletableFuture<Boolean> ping(IcmpOptions icmp, InetAddress target, Duration budget, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		long setupStart = System.nanoTime();
		IcmpPoller poller;
		try {
			poller = IcmpPoller.shared();
		}
		catch (LinkageError | RuntimeException ex) {
			log.error("Error listening to socket", "err", "ICMP sockets need native access (java "
					+ "--enable-native-access=ALL-UNNAMED): " + ex);
			return CompletableFuture.completedFuture(false);
		}
		IcmpSocket socket = open(icmp, IpProtocol.of(target), log);
		if (socket == null) {
			return CompletableFuture.completedFuture(false);
		}
		try {
			configure(socket, icmp, log);
		}
		catch (NativeError ex) {
			log.error("Error listening to socket", "err", ex.getMessage());
			socket.close();
			return CompletableFuture.completedFuture(false);
		}
		return IcmpPing.start(this.reactor, poller, socket, icmp, target, budget, setupStart, report, log, cancel);
	}

	/** A datagram socket, else a raw one, else {@code null} with the missing permission logged. */
	private IcmpSocket open(IcmpOptions icmp, IpProtocol family, ProbeLog log) {
		log.info("Creating socket");
		NativeError datagram;
		try {
			IcmpSocket socket = this.opener.open(family, IcmpSocket.Kind.DATAGRAM);
			log.info("Using an unprivileged datagram ICMP socket");
			return socket;
		}
		catch (NativeError ex) {
			datagram = ex;
			log.info("Unable to do unprivileged listen on socket, will attempt privileged", "err", ex.getMessage());
		}
		try {
			IcmpSocket socket = this.opener.open(family, IcmpSocket.Kind.RAW);
			log.info("Using a raw ICMP socket");
			return socket;
		}
		catch (NativeError raw) {
			log.error("Error listening to socket", "err", denied(datagram, raw));
			return null;
		}
	}

	/** Why neither socket could be opened, naming the permission each one needs when that was the cause. */
	static String denied(NativeError datagram, NativeError raw) {
		boolean permission = (datagram.errno() == Libc.EACCES || datagram.errno() == Libc.EPERM)
				&& (raw.errno() == Libc.EPERM || raw.errno() == Libc.EACCES);
		if (!permission) {
			return "datagram ICMP socket: " + datagram.getMessage() + "; raw ICMP socket: " + raw.getMessage();
		}
		return "no permission to send ICMP: an unprivileged datagram socket needs the process's group in the sysctl "
				+ "net.ipv4.ping_group_range (" + datagram.getMessage() + "), a raw socket needs the capability "
				+ "CAP_NET_RAW (" + raw.getMessage() + "); grant either (see the icmp prober in blackbox.md)";
	}

	private static void configure(IcmpSocket socket, IcmpOptions icmp, ProbeLog log) throws NativeError {
		if (icmp.sourceIpAddress() != null) {
			log.info("Using source address", "srcIP", IpText.of(icmp.sourceIpAddress()));
			socket.bind(icmp.sourceIpAddress());
		}
		if (icmp.ttl() > 0) {
			socket.ttl(icmp.ttl());
		}
		if (icmp.dontFragment() && socket.family() == IpProtocol.IP4) {
			socket.dontFragment();
		}
		try {
			socket.receiveHopLimit();
		}
		catch (NativeError ex) {
			log.info("Failed to set Control Message for retrieving Hop Limit", "err", ex.getMessage());
		}
		try {
			socket.filterEchoReplies();
		}
		catch (NativeError ex) {
			log.info("Failed to set an ICMP filter; replies are filtered here", "err", ex.getMessage());
		}
	}

}
