package dev.asyncore.probe.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.target.TargetAddress;

/**
 * blackbox_exporter's dns prober on the reactor: the target is a DNS server ({@code host[:port]},
 * port 53 by default, 853 with {@code dns_over_tls}), asked the module's question once over UDP,
 * TCP or TLS (verified against the module's {@code tls_config}); the reply is judged by
 * {@code valid_rcodes} and the {@code validate_*_rrs} checks and reported in blackbox_exporter's
 * metric names. The server's name, if it is one, is looked up on {@code lookups} (the resolver
 * blocks); the {@link FetchPolicy} decides which hosts, ports and addresses may be probed, as for
 * the http prober. {@link #run} is called on this prober's loop thread and completes there.
 *
 * <pre>{@code
 * DnsProber dns = new DnsProber(reactor, policy, InetAddress::getAllByName, executor, new ProbeMemory(64L << 20));
 * DnsOptions options = modules.module("dns_udp").options(DnsOptions.KIND);
 * dns.run(options, "127.0.0.1:53", Duration.ofSeconds(5), report, log).thenAccept(ok -> ...);
 * }</pre>
 */
public final class DnsProber implements Prober<DnsOptions> {

	private final Reactor reactor;

	private final FetchPolicy policy;

	private final Resolver resolver;

	private final Executor lookups;

	private final ProbeMemory memory;

	/** Query IDs: unpredictable (RFC 5452), from a generator of this loop's own (no lock shared with other loops). */
	private final SecureRandom ids = newIds();

	/**
	 * @param reactor the loop the queries run on
	 * @param policy which hosts, ports and address classes may be probed (its timeouts are not used)
	 * @param resolver the name look-up for a target that is not an IP literal
	 * @param lookups where {@code resolver} runs (never the loop thread)
	 * @param memory the bound on what probes hold (a TCP reply, TLS buffers)
	 */
	public DnsProber(Reactor reactor, FetchPolicy policy, Resolver resolver, Executor lookups, ProbeMemory memory) {
		this.reactor = reactor;
		this.policy = policy;
		this.resolver = resolver;
		this.lookups = lookups;
		this.memory = memory;
	}

	@Override
	public CompletableFuture<Boolean> run(DnsOptions dns, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		DnsRun probe = new DnsRun(this.reactor, this.policy, this.ids, dns, report, log,
				System.nanoTime() + timeout.toNanos(), this.memory.lease());
		cancel.thenRun(() -> probe.end("operation was canceled"));
		if (dns.dnsOverTls() && dns.tlsMaterial() == null) {
			log.error("Failed to create TLS configuration", "err", "no TLS material was loaded for the module");
			return probe.fail();
		}
		TargetAddress server;
		try {
			// blackbox_exporter's defaults when the target has no port
			server = TargetAddress.parse(target, dns.dnsOverTls() ? 853 : 53);
		}
		catch (IllegalArgumentException ex) {
			log.error("Error resolving address", "err", "invalid port in target " + target);
			return probe.fail();
		}
		String host = server.host();
		int port = server.port();
		try {
			server.checkAllowLists(this.policy); // the address class is checked after the look-up
		}
		catch (FetchException | IllegalArgumentException ex) {
			log.error("Target refused by the probe policy", "target", target, "err", ex.getMessage());
			return probe.fail();
		}
		log.info("Resolving target address", "target", host, "ip_protocol", dns.ipProtocol().preferred());
		long start = System.nanoTime();
		if (host.isEmpty()) {
			probe.resolved(host, port, null, TargetAddress.noSuchHost(host), System.nanoTime() - start);
			return probe.outcome();
		}
		InetAddress literal = IpLiteral.parse(host);
		if (literal != null) {
			probe.resolved(host, port, new InetAddress[] { literal }, null, System.nanoTime() - start);
			return probe.outcome();
		}
		try {
			this.lookups.execute(() -> {
				InetAddress[] all = null;
				UnknownHostException failure = null;
				try {
					all = this.resolver.resolve(host);
				}
				catch (UnknownHostException ex) {
					failure = ex;
				}
				InetAddress[] found = all;
				UnknownHostException error = failure;
				long nanos = System.nanoTime() - start;
				this.reactor.execute(() -> probe.resolved(host, port, found, error, nanos));
			});
		}
		catch (RejectedExecutionException ex) {
			log.error("Error resolving address", "err", "the look-up executor refused the task: " + ex.getMessage());
			return probe.fail();
		}
		return probe.outcome();
	}

	private static SecureRandom newIds() {
		try {
			return SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			return new SecureRandom();
		}
	}

}
