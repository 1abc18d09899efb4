package dev.asyncore.probe.grpc;

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
import dev.asyncore.probe.target.TargetAddress;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * blackbox_exporter's grpc prober on one loop: the target ({@code host:port}, optionally with an
 * {@code http://} or {@code https://} prefix; without a port 80, or 443 with {@code tls}) resolved
 * (preferred family, fallback), then one {@code grpc.health.v1.Health/Check} call ({@link GrpcCall})
 * asking about {@code service}. Success is a {@code SERVING} answer. Metrics are
 * blackbox_exporter's: {@code probe_grpc_duration_seconds{phase="resolve"|"check"}},
 * {@code probe_grpc_healthcheck_response{serving_status}}, {@code probe_grpc_status_code},
 * {@code probe_grpc_ssl}, the TLS gauges and the look-up's. Loop thread of its reactor.
 */
public final class GrpcProber implements Prober<GrpcOptions> {

	private final Reactor reactor;

	private final Resolver resolver;

	private final Executor resolverExecutor;

	private final FetchPolicy policy;

	private final ProbeMemory memory;

	/**
	 * @param resolver the name look-up (blocking)
	 * @param resolverExecutor where look-ups run, never the loop thread
	 * @param policy which hosts, ports and address classes may be probed (its timeouts do not apply)
	 * @param memory the bound on what probes hold (frame and TLS buffers)
	 */
	public GrpcProber(Reactor reactor, Resolver resolver, Executor resolverExecutor, FetchPolicy policy,
			ProbeMemory memory) {
		this.reactor = reactor;
		this.resolver = resolver;
		this.resolverExecutor = resolverExecutor;
		this.policy = policy;
		this.memory = memory;
	}

	@Override
	public CompletableFuture<Boolean> run(GrpcOptions grpc, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		TlsMaterial tls = (grpc.tlsMaterial() != null) ? grpc.tlsMaterial()
				: TlsMaterial.load(TlsConfig.DEFAULT, "tls_config");
		String help = "Duration of gRPC request by phase";
		report.gauge("probe_grpc_duration_seconds", help, 0, "phase", "resolve");
		ProbeMemory.Lease lease = this.memory.lease();
		return TargetAddress.resolveThen(hostAndPort(target, grpc.tls()), grpc.ipProtocol(), this.resolver,
				this.resolverExecutor, this.policy, this.reactor, timeout, report, log, cancel,
				(parsed, address, budget) -> {
					Double lookup = report.value("probe_dns_lookup_time_seconds");
					report.gauge("probe_grpc_duration_seconds", help, (lookup != null) ? lookup : 0, "phase", "resolve");
					String host = (parsed.host().indexOf(':') >= 0) ? "[" + parsed.host() + "]" : parsed.host();
					return GrpcCall.start(this.reactor, grpc, tls,
							(grpc.tlsConfig().serverName() != null) ? grpc.tlsConfig().serverName() : parsed.host(),
							host + ":" + parsed.port(), address, budget, report, log, lease, cancel);
				})
			.whenComplete((success, error) -> lease.close());
	}

	/**
	 * The target as blackbox_exporter reads it (a URL's host and port, {@code http://} assumed):
	 * {@code host:port}, with the default port added when there is none.
	 */
	static String hostAndPort(String target, boolean tls) {
		String rest = target;
		for (String scheme : new String[] { "http://", "https://" }) {
			if (rest.regionMatches(true, 0, scheme, 0, scheme.length())) {
				rest = rest.substring(scheme.length());
			}
		}
		int slash = rest.indexOf('/');
		if (slash >= 0) {
			rest = rest.substring(0, slash);
		}
		boolean hasPort = rest.startsWith("[") ? rest.indexOf("]:") > 0
				: rest.indexOf(':') > 0 && rest.indexOf(':') == rest.lastIndexOf(':');
		if (hasPort) {
			return rest;
		}
		String host = (!rest.startsWith("[") && rest.indexOf(':') >= 0) ? "[" + rest + "]" : rest;
		return host + ":" + (tls ? 443 : 80);
	}

}
