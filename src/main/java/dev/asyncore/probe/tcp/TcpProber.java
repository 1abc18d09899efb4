package dev.asyncore.probe.tcp;

import java.net.Inet6Address;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.dialogue.QueryDialogue;
import dev.asyncore.probe.dialogue.QueryScript;
import dev.asyncore.probe.target.TargetAddress;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * blackbox_exporter's tcp prober on one loop: resolve {@code host:port} (preferred family, fallback),
 * connect, optionally TLS, then the module's {@code query_response} dialogue ({@link QueryDialogue}).
 * Metrics are blackbox_exporter's ({@code probe_ip_protocol}, {@code probe_ip_addr_hash},
 * {@code probe_dns_lookup_time_seconds}, {@code probe_failed_due_to_regex}, the TLS gauges) plus
 * {@code probe_tcp_duration_seconds{phase="connect"|"tls"}}. Loop thread of its reactor.
 */
public final class TcpProber implements Prober<TcpOptions> {

	private final Reactor reactor;

	private final Resolver resolver;

	private final Executor resolverExecutor;

	private final FetchPolicy policy;

	private final ProbeMemory memory;

	/**
	 * @param resolver the name look-up (blocking)
	 * @param resolverExecutor where look-ups run, never the loop thread
	 * @param policy which hosts, ports and address classes may be probed (its timeouts do not apply)
	 * @param memory the bound on what probes hold (a dialogue's line buffer and TLS buffers)
	 */
	public TcpProber(Reactor reactor, Resolver resolver, Executor resolverExecutor, FetchPolicy policy,
			ProbeMemory memory) {
		this.reactor = reactor;
		this.policy = policy;
		this.resolver = resolver;
		this.resolverExecutor = resolverExecutor;
		this.memory = memory;
	}

	@Override
	public CompletableFuture<Boolean> run(TcpOptions tcp, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		TlsMaterial tls = (tcp.tlsMaterial() != null) ? tcp.tlsMaterial() : TlsMaterial.load(TlsConfig.DEFAULT, "tls_config");
		QueryScript.registerGauges(tcp.queryResponse(), report);
		ProbeMemory.Lease lease = this.memory.lease();
		return TargetAddress.resolveThen(target, tcp.ipProtocol(), (tcp.dnsServer() != null) ? tcp.dnsServer() : this.resolver,
				this.resolverExecutor, this.policy, this.reactor, timeout, report, log, cancel,
				(parsed, address, budget) -> QueryDialogue.start(this.reactor, new QueryDialogue.Endpoint("TCP", address,
						(address.getAddress() instanceof Inet6Address) ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET,
						tcp.sourceIpAddress(), tcp.tls(), tcp.queryResponse()), tls,
						(tcp.tlsConfig().serverName() != null) ? tcp.tlsConfig().serverName() : parsed.host(),
						budget, report, log, lease, cancel))
			.whenComplete((success, error) -> lease.close());
	}

}
