package dev.asyncore.probe.target;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.IpProtocol;

/**
 * A {@code host:port} target, split once for the tcp, udp and dns probers (Go's
 * {@code net.SplitHostPort}), and, for tcp and udp, its address, chosen as blackbox_exporter's
 * {@code chooseProtocol} chooses it ({@link IpPreference#choose}), reported in
 * {@code probe_dns_lookup_time_seconds}, {@code probe_ip_protocol} and {@code probe_ip_addr_hash}.
 * Names are looked up on the resolver executor, IP literals at once; the answer comes back on the
 * loop thread. Immutable.
 *
 * @param host the host part, without brackets (a target given a default port is all host, as written)
 * @param port the port
 */
public record TargetAddress(String host, int port) {

	private static final Pattern PORT = Pattern.compile("\\d{1,5}");

	/** Opens the probe's socket once the address is known. Loop thread. */
	@FunctionalInterface
	public interface Dial {

		/** @param budget what is left of the probe's timeout */
		CompletableFuture<Boolean> dial(TargetAddress target, InetSocketAddress address, Duration budget);

	}

	/**
	 * Splits {@code target}, chooses its address, then dials it with what is left of
	 * {@code timeout}; a target without a port or an address fails the probe, logged. Loop thread.
	 * @param cancel ends a look-up in progress at once (the dial gets it from the caller too)
	 */
	public static CompletableFuture<Boolean> resolveThen(String target, IpPreference ip, Resolver resolver,
			Executor executor, FetchPolicy policy, Reactor reactor, Duration timeout, ProbeReport report, ProbeLog log,
			CompletionStage<Void> cancel, Dial dial) {
		long start = System.nanoTime();
		TargetAddress parsed;
		try {
			parsed = parse(target);
			parsed.checkAllowLists(policy); // the address class is checked below, for literals and names alike
		}
		catch (IllegalArgumentException ex) {
			log.error("Error splitting target address and port", "err", ex.getMessage());
			return CompletableFuture.completedFuture(false);
		}
		catch (FetchException ex) {
			log.error("Target refused by the blackbox policy", "err", ex.getMessage());
			return CompletableFuture.completedFuture(false);
		}
		return parsed.choose(ip, resolver, executor, reactor, timeout, report, log, cancel).thenCompose(address -> {
			if (address == null) {
				return CompletableFuture.completedFuture(false);
			}
			try {
				policy.checkAddress(parsed.host, address.getAddress());
			}
			catch (FetchException.Refused ex) {
				log.error("Target refused by the blackbox policy", "err", ex.getMessage());
				return CompletableFuture.completedFuture(false);
			}
			Duration left = timeout.minusNanos(System.nanoTime() - start);
			return dial.dial(parsed, address, left.isNegative() ? Duration.ZERO : left);
		});
	}

	/**
	 * Go's {@code net.SplitHostPort}: {@code host:port} or {@code [v6]:port}.
	 * @throws IllegalArgumentException with Go's wording when there is no port or the brackets are wrong
	 */
	public static TargetAddress parse(String target) {
		return parse(target, -1);
	}

	/**
	 * As {@link #parse(String)}, but a target that Go's {@code net.SplitHostPort} cannot split is a
	 * host on {@code defaultPort}, as blackbox_exporter's dns prober reads it ({@code 192.0.2.1},
	 * {@code ::1}, {@code [::1]}).
	 * @param defaultPort the port of a target without one, or -1 to refuse such a target
	 * @throws IllegalArgumentException if the port is not a number from 0 to 65535, or (without a
	 * default port) if the target cannot be split
	 */
	public static TargetAddress parse(String target, int defaultPort) {
		String host;
		String port;
		String unsplit = null;
		if (target.startsWith("[")) {
			int close = target.indexOf(']');
			host = (close > 0) ? target.substring(1, close) : null;
			port = (close > 0 && close + 1 < target.length()) ? target.substring(close + 2) : null;
			if (close < 0) {
				unsplit = "missing ']' in address";
			}
			else if (close + 1 >= target.length() || target.charAt(close + 1) != ':') {
				unsplit = "missing port in address";
			}
		}
		else {
			int colon = target.lastIndexOf(':');
			host = (colon >= 0) ? target.substring(0, colon) : null;
			port = (colon >= 0) ? target.substring(colon + 1) : null;
			if (colon < 0) {
				unsplit = "missing port in address";
			}
			else if (target.indexOf(':') != colon) {
				unsplit = "too many colons in address";
			}
		}
		if (unsplit != null) {
			if (defaultPort < 0) {
				throw new IllegalArgumentException("address " + target + ": " + unsplit);
			}
			return new TargetAddress(target, defaultPort);
		}
		if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
			throw new IllegalArgumentException("address " + target + ": invalid port \"" + port + "\"");
		}
		return new TargetAddress(host, Integer.parseInt(port));
	}

	/**
	 * The fetch policy's host and port allow-lists, in its one check, as for an http target; the
	 * address class is checked once the address is known ({@link FetchPolicy#checkAddress}).
	 * @throws FetchException if the policy refuses the host or port
	 * @throws IllegalArgumentException if the host cannot be part of a URI
	 */
	public void checkAllowLists(FetchPolicy policy) throws FetchException {
		if (!policy.allowedHosts().isEmpty() || !policy.allowedPorts().isEmpty()) {
			String bracketed = (this.host.indexOf(':') >= 0) ? "[" + this.host + "]" : this.host;
			policy.checkUrl(URI.create("http://" + bracketed + ":" + this.port + "/"));
		}
	}

	/**
	 * Chooses the address to probe and reports the look-up's gauges. Loop thread.
	 * @param budget how long the look-up may take before the probe fails
	 * @return the address on the loop thread; {@code null} (with the reason logged) if there is none
	 */
	CompletableFuture<InetSocketAddress> choose(IpPreference ip, Resolver resolver, Executor executor,
			Reactor reactor, Duration budget, ProbeReport report, ProbeLog log, CompletionStage<Void> cancel) {
		report.gauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6", 0);
		report.gauge("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.", 0);
		log.info("Resolving target address", "target", this.host, "ip_protocol", ip.preferred());
		long start = System.nanoTime();
		InetAddress literal = IpLiteral.parse(this.host);
		CompletableFuture<InetAddress[]> lookup;
		if (this.host.isEmpty()) {
			lookup = CompletableFuture.failedFuture(noSuchHost(this.host));
		}
		else if (literal != null) {
			lookup = CompletableFuture.completedFuture(new InetAddress[] { literal }); // a literal needs no look-up
		}
		else {
			lookup = CompletableFuture.supplyAsync(() -> {
				try {
					return resolver.resolve(this.host);
				}
				catch (UnknownHostException ex) {
					throw new CompletionException(ex);
				}
			}, executor);
			TimerHandle timer = reactor.schedule(budget, () -> lookup.completeExceptionally(new UnknownHostException(
					"lookup " + this.host + ": i/o timeout")));
			lookup.whenComplete((all, error) -> timer.cancel());
			cancel.thenRun(() -> lookup.completeExceptionally(new UnknownHostException(
					"lookup " + this.host + ": operation was canceled")));
		}
		CompletableFuture<InetSocketAddress> chosen = new CompletableFuture<>();
		lookup.whenComplete((all, error) -> onLoop(reactor, () -> {
			report.gauge("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds",
					(System.nanoTime() - start) / 1e9);
			InetAddress pick = (all != null) ? ip.choose(all) : null;
			if (pick == null) {
				Throwable cause = (error instanceof CompletionException) ? error.getCause() : error;
				String why = (cause != null) ? cause.getMessage() : "unable to find ip; no fallback";
				log.error("Resolution with IP protocol failed", "target", this.host, "ip_protocol", ip.preferred(), "err", why);
				log.error("Error resolving address", "err", why);
				chosen.complete(null);
				return;
			}
			log.info("Resolved target address", "target", this.host, "ip", IpText.of(pick));
			report.gauge("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6",
					IpProtocol.of(pick).number());
			report.gauge("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
					IpText.hash(pick));
			chosen.complete(new InetSocketAddress(pick, this.port));
		}));
		return chosen;
	}

	/**
	 * Go's resolver refuses an empty name before any look-up ({@code lookup : no such host}), so
	 * blackbox_exporter's {@code chooseProtocol} fails a {@code :port} target there; the JDK would
	 * answer the loopback address instead.
	 * @return the error of a look-up of {@code host} if it is empty, else {@code null}
	 */
	public static UnknownHostException noSuchHost(String host) {
		return host.isEmpty() ? new UnknownHostException("lookup " + host + ": no such host") : null;
	}

	/** Runs {@code task} now if this is the loop thread (a literal needs no hop), else queues it there. */
	private static void onLoop(Reactor reactor, Runnable task) {
		if (reactor.inLoopThread()) {
			task.run();
		}
		else {
			reactor.execute(task);
		}
	}

}
