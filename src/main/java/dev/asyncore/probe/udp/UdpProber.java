package dev.asyncore.probe.udp;

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
import dev.asyncore.probe.dialogue.QueryScript;
import dev.asyncore.probe.target.TargetAddress;

/**
 * The udp prober (beyond blackbox_exporter): resolve {@code host:port} as the tcp prober does, then
 * the module's {@code query_response} over datagrams ({@link UdpDialogue}). Metrics:
 * {@code probe_ip_protocol}, {@code probe_ip_addr_hash}, {@code probe_dns_lookup_time_seconds},
 * {@code probe_failed_due_to_regex}, {@code probe_expect_info}. Loop thread of its reactor.
 */
public final class UdpProber implements Prober<UdpOptions> {

	private final Reactor reactor;

	private final Resolver resolver;

	private final Executor resolverExecutor;

	private final FetchPolicy policy;

	public UdpProber(Reactor reactor, Resolver resolver, Executor resolverExecutor, FetchPolicy policy) {
		this.reactor = reactor;
		this.policy = policy;
		this.resolver = resolver;
		this.resolverExecutor = resolverExecutor;
	}

	@Override
	public CompletableFuture<Boolean> run(UdpOptions udp, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		QueryScript.registerGauges(udp.queryResponse(), report);
		return TargetAddress.resolveThen(target, udp.ipProtocol(), this.resolver,
				this.resolverExecutor, this.policy, this.reactor, timeout, report, log, cancel,
				(parsed, address, budget) -> UdpDialogue.start(this.reactor, udp, address, budget, report, log, cancel));
	}

}
