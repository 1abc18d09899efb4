package dev.asyncore.probe;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;

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
 * Prober dns = new DnsProber(reactor, policy, InetAddress::getAllByName, executor);
 * dns.run(module, "127.0.0.1:53", Duration.ofSeconds(5), report, log).thenAccept(ok -> ...);
 * }</pre>
 */
public final class DnsProber implements Prober {

	private final Reactor reactor;

	private final FetchPolicy policy;

	private final Resolver resolver;

	private final Executor lookups;

	/** Query IDs: unpredictable (RFC 5452), from a generator of this loop's own (no lock shared with other loops). */
	private final SecureRandom ids = newIds();

	/**
	 * @param reactor the loop the queries run on
	 * @param policy which hosts, ports and address classes may be probed (its timeouts are not used)
	 * @param resolver the name look-up for a target that is not an IP literal
	 * @param lookups where {@code resolver} runs (never the loop thread)
	 */
	public DnsProber(Reactor reactor, FetchPolicy policy, Resolver resolver, Executor lookups) {
		this.reactor = reactor;
		this.policy = policy;
		this.resolver = resolver;
		this.lookups = lookups;
	}

	@Override
	public CompletableFuture<Boolean> run(Module module, String target, Duration timeout, ProbeReport report,
			ProbeLog log) {
		DnsProbe dns = module.dns();
		DnsProbeRun probe = new DnsProbeRun(this.reactor, this.policy, this.ids, dns, module.tls(), report, log,
				System.nanoTime() + timeout.toNanos());
		if (dns == null) {
			log.error("Module has no dns section", "module", module.name());
			return probe.fail();
		}
		if (dns.dnsOverTls() && module.tls() == null) {
			log.error("Failed to create TLS configuration", "err", "no TLS material was loaded for the module");
			return probe.fail();
		}
		String host = target;
		int port = dns.dnsOverTls() ? 853 : 53; // blackbox_exporter's defaults when the target has no port
		int colon = target.lastIndexOf(':');
		boolean bracketed = target.startsWith("[");
		// Go's net.SplitHostPort: "host:port" or "[v6]:port"; anything else is a host on the default port
		if (colon > 0 && (bracketed ? target.charAt(colon - 1) == ']' : target.indexOf(':') == colon)) {
			host = bracketed ? target.substring(1, colon - 1) : target.substring(0, colon);
			try {
				port = Integer.parseInt(target.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				port = -1;
			}
			if (port < 0 || port > 65535) {
				log.error("Error resolving address", "err", "invalid port in target " + target);
				return probe.fail();
			}
		}
		if (!this.policy.allowedHosts().isEmpty() || !this.policy.allowedPorts().isEmpty()) {
			try { // the allow-lists, in the fetch policy's one place (the address class is checked after the look-up)
				this.policy.checkUrl(URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/"));
			}
			catch (FetchException | IllegalArgumentException ex) {
				log.error("Target refused by the probe policy", "target", target, "err", ex.getMessage());
				return probe.fail();
			}
		}
		log.info("Resolving target address", "target", host, "ip_protocol", dns.preferredIpProtocol());
		long start = System.nanoTime();
		InetAddress literal = literal(host);
		if (literal != null) {
			probe.resolved(host, port, new InetAddress[] { literal }, null, System.nanoTime() - start);
			return probe.outcome();
		}
		String name = host;
		int serverPort = port;
		try {
			this.lookups.execute(() -> {
				InetAddress[] all = null;
				UnknownHostException failure = null;
				try {
					all = this.resolver.resolve(name);
				}
				catch (UnknownHostException ex) {
					failure = ex;
				}
				InetAddress[] found = all;
				UnknownHostException error = failure;
				long nanos = System.nanoTime() - start;
				this.reactor.execute(() -> probe.resolved(name, serverPort, found, error, nanos));
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

	/** {@code host} as an address if it is an IP literal (no look-up happens), else {@code null}. */
	static InetAddress literal(String host) {
		try {
			if (host.indexOf(':') >= 0) {
				return InetAddress.getByName(host); // with a colon the JDK parses an IPv6 literal and never looks up
			}
			byte[] bytes = new byte[4];
			int part = 0;
			int value = 0;
			int digits = 0;
			for (int i = 0; i <= host.length(); i++) {
				char c = (i < host.length()) ? host.charAt(i) : '.';
				if (c >= '0' && c <= '9' && digits < 3) {
					value = value * 10 + (c - '0');
					digits++;
				}
				else if (c == '.' && digits > 0 && value <= 255 && part < 4) {
					bytes[part++] = (byte) value;
					value = 0;
					digits = 0;
				}
				else {
					return null;
				}
			}
			return (part == 4) ? InetAddress.getByAddress(bytes) : null;
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** The family blackbox_exporter reports in {@code probe_ip_protocol}. */
	static int family(InetAddress address) {
		return (address instanceof Inet6Address) ? 6 : 4;
	}

}
