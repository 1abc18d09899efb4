package dev.asyncore.probe.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.IpProtocol;
import dev.asyncore.probe.target.IpText;

/**
 * One dns probe from the server's address to the verdict: it picks the address family, runs the
 * {@link DnsExchange}, judges the reply as blackbox_exporter's {@code ProbeDNS} does (with its log
 * messages) and writes the metrics once, whatever ended it: the reply, a failure or the deadline.
 * Loop thread only.
 */
final class DnsRun implements DnsExchange.Listener {

	/** Stray datagrams logged one by one; later ones are only counted, so a flood cannot grow the log. */
	private static final int LOGGED_STRAYS = 3;

	private enum Phase {
		RESOLVING, CONNECTING, REQUESTING, DONE
	}

	private final Reactor reactor;

	private final FetchPolicy policy;

	private final DnsOptions dns;

	private final ProbeReport report;

	private final ProbeLog log;

	private final CompletableFuture<Boolean> outcome = new CompletableFuture<>();

	private final TimerHandle deadline;

	private final SecureRandom ids;

	private final ProbeMemory.Lease lease;

	private Phase phase = Phase.RESOLVING;

	private Message query;

	private DnsExchange exchange;

	private InetAddress address;

	private Message reply;

	private long lookupNanos;

	private long resolveNanos;

	private long phaseStart;

	private long connectNanos;

	private long requestNanos;

	private int strays;

	/** @param lease the probe's share of the probe memory, closed when the probe ends */
	DnsRun(Reactor reactor, FetchPolicy policy, SecureRandom ids, DnsOptions dns, ProbeReport report, ProbeLog log,
			long deadlineNanos, ProbeMemory.Lease lease) {
		this.reactor = reactor;
		this.lease = lease;
		this.ids = ids;
		this.policy = policy;
		this.dns = dns;
		this.report = report;
		this.log = log;
		this.deadline = reactor.schedule(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())), this::timeout);
	}

	CompletableFuture<Boolean> outcome() {
		return this.outcome;
	}

	CompletableFuture<Boolean> fail() {
		finish(false);
		return this.outcome;
	}

	/** The look-up of the server ended ({@code all} or {@code error}); picks the address and sends the query. */
	void resolved(String host, int port, InetAddress[] all, UnknownHostException error, long nanos) {
		this.lookupNanos = nanos;
		if (this.phase != Phase.RESOLVING) {
			return; // the deadline came first
		}
		if (error != null) {
			this.log.error("Resolution with IP protocol failed", "target", host, "err", error.getMessage());
			finish(false);
			return;
		}
		InetAddress pick = this.dns.ipProtocol().choose(all);
		if (pick == null) {
			this.log.error("Resolution with IP protocol failed", "target", host, "ip_protocol",
					this.dns.ipProtocol().preferred(), "err", "unable to find ip; no fallback");
			finish(false);
			return;
		}
		this.address = pick;
		this.resolveNanos = nanos;
		this.log.info("Resolved target address", "target", host, "ip", IpText.of(pick));
		try {
			this.policy.checkAddress(host, pick);
		}
		catch (FetchException.Refused ex) {
			this.log.error("Target refused by the probe policy", "target", host, "err", ex.getMessage());
			finish(false);
			return;
		}
		send(host, new InetSocketAddress(pick, port));
	}

	/** @param host the target's host, which TLS verifies unless {@code tls_config.server_name} is set */
	private void send(String host, InetSocketAddress server) {
		this.query = new Message(this.ids.nextInt(0x10000)); // as Message.newQuery, with an ID from the prober's generator
		this.query.getHeader().setOpcode(Opcode.QUERY);
		if (this.dns.recursionDesired()) {
			this.query.getHeader().setFlag(Flags.RD);
		}
		this.query.addRecord(Record.newRecord(this.dns.queryName(), this.dns.queryType(), this.dns.queryClass()),
				Section.QUESTION);
		byte[] wire = this.query.toWire();
		String dial = this.dns.transportProtocol() + IpProtocol.of(server.getAddress()).number()
				+ (this.dns.dnsOverTls() ? "-tls" : ""); // miekg/dns's network names: tcp4-tls for DoT
		this.log.info("Making DNS query", "target", IpText.of(server.getAddress()) + ":" + server.getPort(),
				"dial_protocol", dial, "query", this.dns.queryName(), "type", this.dns.queryType(), "class",
				this.dns.queryClass());
		this.phase = Phase.CONNECTING;
		this.phaseStart = System.nanoTime();
		try {
			if (this.dns.tcp()) {
				String serverName = (this.dns.tlsConfig().serverName() != null) ? this.dns.tlsConfig().serverName() : host;
				DnsTcpExchange tcp = new DnsTcpExchange(this.reactor, this, this.dns.tlsMaterial(), serverName, this.lease);
				this.exchange = tcp;
				tcp.start(this.dns.sourceAddress(), server, wire);
			}
			else {
				DnsUdpExchange udp = new DnsUdpExchange(this.reactor, this);
				this.exchange = udp;
				udp.start(this.dns.sourceAddress(), server, wire);
			}
		}
		catch (IOException | RuntimeException ex) {
			failed(DnsExchange.reason(ex));
		}
	}

	@Override
	public void connected() {
		if (this.phase == Phase.CONNECTING) {
			long now = System.nanoTime();
			this.connectNanos = now - this.phaseStart;
			this.phaseStart = now;
			this.phase = Phase.REQUESTING;
		}
	}

	@Override
	public void message(ByteBuffer wire) {
		if (this.phase != Phase.REQUESTING) {
			return;
		}
		DnsReply verdict = DnsReply.classify(wire, this.query, !this.dns.tcp());
		if (verdict instanceof DnsReply.Answer answer) {
			judge(answer.message());
		}
		else if (verdict instanceof DnsReply.Stray stray && !this.dns.tcp()) {
			if (++this.strays <= LOGGED_STRAYS) {
				this.log.info("Ignoring a datagram that is not the reply", "reason", stray.reason());
			}
		}
		else {
			failed((verdict instanceof DnsReply.Stray stray) ? stray.reason() : ((DnsReply.Broken) verdict).reason());
		}
	}

	@Override
	public void failed(String reason) {
		if (this.phase == Phase.DONE) {
			return;
		}
		this.log.error("Error while sending a DNS query", "err", reason);
		finish(false);
	}

	private void timeout() {
		end("i/o timeout");
	}

	/** Fails the probe now (its deadline, or nobody waits any more), logging {@code why}. Loop thread. */
	void end(String why) {
		if (this.phase == Phase.DONE) {
			return;
		}
		String ignored = (this.strays > 0) ? " after ignoring " + this.strays + " datagram(s) that were not the reply" : "";
		this.log.error((this.phase == Phase.RESOLVING) ? "Error resolving address" : "Error while sending a DNS query",
				"err", why + ignored);
		finish(false);
	}

	private void judge(Message message) {
		this.reply = message;
		this.log.info("Got response", "response", message); // the log formats it only with debug=true
		if (DnsReply.truncated(message)) {
			this.log.info("The response is truncated (TC bit); judged as it is, without a retry over TCP, as blackbox_exporter does");
		}
		boolean ok = validRcode(message.getRcode());
		ok = ok && section(message, Section.ANSWER, this.dns.answer(), "Answer");
		ok = ok && section(message, Section.AUTHORITY, this.dns.authority(), "Authority");
		ok = ok && section(message, Section.ADDITIONAL, this.dns.additional(), "Additional");
		finish(ok);
	}

	private boolean validRcode(int rcode) {
		if (this.dns.validRcodes().contains(rcode)) {
			this.log.info("Rcode is valid", "rcode", rcode, "string_rcode", DnsText.rcodeName(rcode));
			return true;
		}
		this.log.error("Rcode is not one of the valid rcodes", "rcode", rcode, "string_rcode", DnsText.rcodeName(rcode),
				"valid_rcodes", this.dns.validRcodes());
		return false;
	}

	private boolean section(Message message, int section, DnsRrCheck check, String name) {
		this.log.info("Validating " + name + " RRs");
		if (!check.validate(message.getSection(section), this.log)) {
			this.log.error(name + " RRs validation failed");
			return false;
		}
		return true;
	}

	private void finish(boolean success) {
		if (this.phase == Phase.DONE) {
			return;
		}
		long elapsed = System.nanoTime() - this.phaseStart;
		if (this.phase == Phase.CONNECTING) {
			this.connectNanos = elapsed;
		}
		else if (this.phase == Phase.REQUESTING) {
			this.requestNanos = elapsed;
		}
		this.phase = Phase.DONE;
		this.deadline.cancel();
		if (this.exchange != null) {
			this.exchange.close();
		}
		this.lease.close();
		metrics();
		this.outcome.complete(success);
	}

	private void metrics() {
		ProbeReport r = this.report;
		r.gauge("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds", this.lookupNanos / 1e9);
		r.gauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
				(this.address != null) ? IpProtocol.of(this.address).number() : 0);
		r.gauge("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
				(this.address != null) ? IpText.hash(this.address) : 0);
		String duration = "Duration of DNS request by phase";
		r.gauge("probe_dns_duration_seconds", duration, this.resolveNanos / 1e9, "phase", "resolve");
		r.gauge("probe_dns_duration_seconds", duration, this.connectNanos / 1e9, "phase", "connect");
		r.gauge("probe_dns_duration_seconds", duration, this.requestNanos / 1e9, "phase", "request");
		Message m = this.reply;
		r.gauge("probe_dns_answer_rrs", "Returns number of entries in the answer resource record list",
				(m != null) ? m.getSection(Section.ANSWER).size() : 0);
		r.gauge("probe_dns_authority_rrs", "Returns number of entries in the authority resource record list",
				(m != null) ? m.getSection(Section.AUTHORITY).size() : 0);
		r.gauge("probe_dns_additional_rrs", "Returns number of entries in the additional resource record list",
				(m != null) ? m.getSection(Section.ADDITIONAL).size() : 0);
		r.gauge("probe_dns_query_succeeded", "Displays whether or not the query was executed successfully", (m != null) ? 1 : 0);
		if (m == null) {
			return;
		}
		r.gauge("probe_dns_rcode", "Returns the response code of the reply (not in blackbox_exporter)", m.getRcode());
		if (this.dns.queryType() == Type.SOA) {
			double serial = 0;
			for (Record record : (List<Record>) m.getSection(Section.ANSWER)) {
				if (record instanceof SOARecord soa) {
					serial = soa.getSerial();
				}
			}
			r.gauge("probe_dns_serial", "Returns the serial number of the zone", serial);
		}
	}

}
