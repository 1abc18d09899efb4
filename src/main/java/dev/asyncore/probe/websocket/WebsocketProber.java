package dev.asyncore.probe.websocket;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * blackbox_exporter's websocket prober on one loop: the target is a {@code ws://} or {@code wss://}
 * URL; resolve its host (preferred family, fallback), connect, TLS for {@code wss} (the name verified is
 * {@code server_name}, else the URL's host), the Upgrade, then the {@code query_response}
 * ({@link WebsocketDialogue}). Metrics are blackbox_exporter's: {@code probe_websocket_status_code},
 * {@code probe_websocket_connection_upgraded}, {@code probe_websocket_failed_due_to_regex} and
 * {@code probe_websocket_duration_seconds{phase="resolve"|"connect"|"processing"|"transfer"}}, with the
 * look-up's {@code probe_ip_protocol}, {@code probe_ip_addr_hash} and {@code probe_dns_lookup_time_seconds}.
 * Files the module names (credentials, header files) are read for each probe on the look-up executor.
 * Loop thread of its reactor.
 */
public final class WebsocketProber implements Prober<WebsocketOptions> {

	private final Reactor reactor;

	private final Resolver resolver;

	private final Executor lookups;

	private final FetchPolicy policy;

	private final ProbeMemory memory;

	/**
	 * @param resolver the name look-up (blocking)
	 * @param lookups where look-ups and file reads run, never the loop thread
	 * @param policy which hosts, ports and address classes may be probed (its timeouts do not apply)
	 * @param memory the bound on what probes hold (a message buffer and TLS buffers)
	 */
	public WebsocketProber(Reactor reactor, Resolver resolver, Executor lookups, FetchPolicy policy, ProbeMemory memory) {
		this.reactor = reactor;
		this.resolver = resolver;
		this.lookups = lookups;
		this.policy = policy;
		this.memory = memory;
	}

	@Override
	public CompletableFuture<Boolean> run(WebsocketOptions ws, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		report.gauge("probe_websocket_connection_upgraded", "Indicates if the websocket connection was successfully upgraded", 0);
		report.gauge("probe_websocket_status_code", "Response HTTP status code", 0);
		report.gauge("probe_websocket_failed_due_to_regex", "Indicates if probe failed due to regex", 0);
		URI uri;
		boolean tls;
		try {
			uri = URI.create(target);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
				throw new IllegalArgumentException("websocket: malformed ws or wss URL");
			}
			tls = scheme.equals("wss");
		}
		catch (IllegalArgumentException ex) {
			log.error("Could not parse target URL", "err", ex.getMessage());
			return CompletableFuture.completedFuture(false);
		}
		int port = (uri.getPort() > 0) ? uri.getPort() : tls ? 443 : 80;
		String host = uri.getHost();
		String hostPort = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		String requestTarget = (uri.getRawQuery() != null) ? path + "?" + uri.getRawQuery() : path;
		String hostHeader = (uri.getPort() > 0) ? hostPort : hostPort.substring(0, hostPort.lastIndexOf(':'));
		TlsMaterial material = (ws.tlsMaterial() != null) ? ws.tlsMaterial() : TlsMaterial.load(TlsConfig.DEFAULT, "tls_config");
		String serverName = (ws.tls().serverName() != null) ? ws.tls().serverName() : TargetAddress.parse(hostPort).host();
		long start = System.nanoTime();
		return CompletableFuture.supplyAsync(ws::requestHeaders, this.lookups).handleAsync((headers, unread) -> {
			if (unread != null) {
				Throwable cause = (unread.getCause() != null) ? unread.getCause() : unread;
				log.error("Error dialing websocket", "err", cause.getMessage());
				return CompletableFuture.completedFuture(false);
			}
			return probe(ws, hostPort, new Request(tls, serverName, hostHeader, requestTarget, headers, material),
					timeout.minusNanos(System.nanoTime() - start), report, log, cancel);
		}, this.reactor::execute).thenCompose(f -> f);
	}

	private record Request(boolean tls, String serverName, String hostHeader, String requestTarget,
			List<Map.Entry<String, String>> headers, TlsMaterial material) {
	}

	private CompletableFuture<Boolean> probe(WebsocketOptions ws, String hostPort, Request request, Duration timeout,
			ProbeReport report, ProbeLog log, CompletionStage<Void> cancel) {
		ProbeMemory.Lease lease = this.memory.lease();
		long start = System.nanoTime();
		return TargetAddress.resolveThen(hostPort, ws.ipProtocol(), this.resolver, this.lookups, this.policy,
				this.reactor, timeout.isNegative() ? Duration.ZERO : timeout, report, log, cancel, (parsed, address, budget) -> {
					report.gauge("probe_websocket_duration_seconds", "Duration of websocket request by phase",
							(System.nanoTime() - start) / 1e9, "phase", "resolve");
					InetSocketAddress to = new InetSocketAddress(address.getAddress(), address.getPort());
					return WebsocketDialogue.start(this.reactor, new WebsocketDialogue.Endpoint(to,
							(to.getAddress() instanceof Inet6Address) ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET,
							request.tls(), request.serverName(), request.hostHeader(), request.requestTarget(),
							request.headers()), request.material(), ws.queryResponse(), budget, report, log, lease, cancel);
				})
			.whenComplete((success, error) -> lease.close());
	}

}
