package dev.asyncore.probe.unix;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.InvalidPathException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.config.TlsConfig;
import dev.asyncore.probe.dialogue.QueryDialogue;
import dev.asyncore.probe.dialogue.QueryScript;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * blackbox_exporter's unix prober on one loop: the target is a socket's path; connect over AF_UNIX,
 * optionally TLS (the name verified is {@code server_name}, else the path, as Go's {@code tls.Dial}
 * takes it from the address), then the module's {@code query_response} ({@link QueryDialogue}, the
 * tcp prober's dialogue). A local socket is probed only where the policy admits private networks
 * (loopback among them) and lists no allowed hosts: a caller of {@code /probe} must not reach the
 * host's own sockets otherwise. Loop thread of its reactor.
 */
public final class UnixProber implements Prober<UnixOptions> {

	private final Reactor reactor;

	private final FetchPolicy policy;

	private final ProbeMemory memory;

	/**
	 * @param policy whether local sockets may be probed (private networks allowed, no host allow-list)
	 * @param memory the bound on what probes hold (a dialogue's line buffer and TLS buffers)
	 */
	public UnixProber(Reactor reactor, FetchPolicy policy, ProbeMemory memory) {
		this.reactor = reactor;
		this.policy = policy;
		this.memory = memory;
	}

	@Override
	public CompletableFuture<Boolean> run(UnixOptions unix, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		QueryScript.registerGauges(unix.queryResponse(), report);
		if (!this.policy.allowPrivateNetworks() || !this.policy.allowedHosts().isEmpty()) {
			log.error("Error dialing unix", "err", "Refusing to probe the unix socket " + target + ": local sockets are "
					+ "probed only where private networks are allowed and no allowed hosts are listed");
			return CompletableFuture.completedFuture(false);
		}
		UnixDomainSocketAddress address;
		try {
			address = UnixDomainSocketAddress.of(target);
		}
		catch (InvalidPathException ex) {
			log.error("Error dialing unix", "err", "not a socket path: " + ex.getMessage());
			return CompletableFuture.completedFuture(false);
		}
		TlsMaterial tls = (unix.tlsMaterial() != null) ? unix.tlsMaterial() : TlsMaterial.load(TlsConfig.DEFAULT, "tls_config");
		ProbeMemory.Lease lease = this.memory.lease();
		String serverName = (unix.tlsConfig().serverName() != null) ? unix.tlsConfig().serverName() : target;
		return QueryDialogue.start(this.reactor, new QueryDialogue.Endpoint("unix", address, StandardProtocolFamily.UNIX,
				null, unix.tls(), unix.queryResponse()), tls, serverName, timeout, report, log, lease, cancel)
			.whenComplete((success, error) -> lease.close());
	}

}
