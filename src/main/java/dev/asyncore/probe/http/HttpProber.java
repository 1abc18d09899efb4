package dev.asyncore.probe.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import dev.asyncore.http.CookieJar;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchOptions;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.FetchResult;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.HttpProxy;
import dev.asyncore.http.RequestOptions;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.config.IpLiteral;
import dev.asyncore.probe.config.IpPreference;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.Secret;
import dev.asyncore.probe.target.IpText;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * blackbox_exporter's http prober on the reactor: one fetch on a fresh connection (through the
 * {@link Fetcher}, so the {@link FetchPolicy} guards every hop), judged by the module's options and
 * reported in blackbox_exporter's metric names ({@link HttpGauges}). The body streams through a
 * {@link ProbeBody} (decoded, counted, kept only for {@code fail_if_body_*}), and what a probe holds
 * is reserved from the {@link ProbeMemory} it is given. Any thread may call {@link #probe}; the work
 * and the completion happen on the fetcher's loop thread.
 */
public final class HttpProber implements Prober<HttpOptions> {

	/** Go's http.Client follows at most ten redirects. */
	static final int MAX_REDIRECTS = 10;

	private final Fetcher fetcher;

	private final FetchPolicy policy;

	private final Resolver resolver;

	private final ProbeMemory memory;

	/** The {@code oauth2} tokens, kept per module until they expire. */
	private final OAuth2Tokens tokens;

	/** Where {@code proxy_from_environment} reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY. */
	private final Supplier<Map<String, String>> environment;

	/**
	 * @param policy what may be probed; its timeouts are replaced by each probe's, its body limit
	 * (on the bytes read after decoding) by a module's {@code body_size_limit}
	 * @param resolver the name look-up (blocking; runs on the fetcher's resolver executor)
	 * @param memory the bound on what probes hold, shared with the other probers
	 */
	public HttpProber(Fetcher fetcher, FetchPolicy policy, Resolver resolver, ProbeMemory memory) {
		this(fetcher, policy, resolver, memory, System::getenv);
	}

	/** A prober whose {@code proxy_from_environment} reads {@code environment} (tests). */
	HttpProber(Fetcher fetcher, FetchPolicy policy, Resolver resolver, ProbeMemory memory,
			Supplier<Map<String, String>> environment) {
		this.fetcher = fetcher;
		this.policy = policy;
		this.resolver = resolver;
		this.memory = memory;
		this.environment = environment;
		this.tokens = new OAuth2Tokens(fetcher);
	}

	/**
	 * How a probe ended.
	 * @param success whether the module's checks passed
	 * @param result the final response, or {@code null} if there was none
	 * @param failure why there was no response, or {@code null}
	 */
	public record Outcome(boolean success, FetchResult result, Throwable failure) {
	}

	@Override
	public CompletableFuture<Boolean> run(HttpOptions http, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		return probe(http, target, timeout, report, log, cancel).thenApply(Outcome::success);
	}

	/**
	 * Probes {@code target} with a module's {@code http} options, filling {@code report} and {@code log}.
	 * @return a future of the outcome; it never completes exceptionally
	 */
	public CompletableFuture<Outcome> probe(HttpOptions http, String target, Duration timeout, ProbeReport report,
			ProbeLog log) {
		return probe(http, target, timeout, report, log, new CompletableFuture<>());
	}

	private CompletableFuture<Outcome> probe(HttpOptions http, String target, Duration timeout, ProbeReport report,
			ProbeLog log, CompletionStage<Void> cancel) {
		if (!http.readsFiles()) {
			return probe(http, RequestParts.of(http), target, timeout, report, log, cancel);
		}
		// body_file and the credentials' files are read for each probe, off the loop, as Prometheus reads them
		return CompletableFuture.supplyAsync(() -> RequestParts.of(http), this.fetcher.resolverExecutor())
			.handle((parts, error) -> (error == null) ? parts : (error.getCause() != null) ? error.getCause() : error)
			.thenComposeAsync((read) -> {
				if (read instanceof RequestParts parts) {
					return probe(http, parts, target, timeout, report, log, cancel);
				}
				// blackbox_exporter's words: body_file fails building the request, a credential file sending it
				boolean body = read instanceof ModuleConfigException unread && unread.key().endsWith(".body_file");
				log.error(body ? "Error creating request" : "Error for HTTP request", "err", ((Throwable) read).getMessage());
				return CompletableFuture.completedFuture(new Outcome(false, null, (Throwable) read));
			}, this.fetcher.reactor()::execute);
	}

	private CompletableFuture<Outcome> probe(HttpOptions http, RequestParts parts, String target, Duration timeout,
			ProbeReport report, ProbeLog log, CompletionStage<Void> cancel) {
		if (parts.oauth2Secret() != null) {
			// the token first, with our own client under the probe's policy and deadline; kept until it expires
			return this.tokens.authorization(http.client().oauth2(), parts.oauth2Secret(), policy(http, timeout),
					http.oauth2TlsMaterial(), this.environment.get())
				.handle((value, error) -> (error == null) ? value : (error.getCause() != null) ? error.getCause() : error)
				.thenComposeAsync((got) -> {
					if (got instanceof Secret value) {
						return probe(http, parts.withAuthorization(value.reveal()), target, timeout, report, log, cancel);
					}
					log.error("Error for HTTP request", "err", ((Throwable) got).getMessage());
					return CompletableFuture.completedFuture(new Outcome(false, null, (Throwable) got));
				}, this.fetcher.reactor()::execute);
		}
		HttpGauges metrics = new HttpGauges(report);
		if (http.cel().any()) { // registered only for a module with CEL, as blackbox_exporter's
			metrics.gauge(HttpJudge.FAILED_DUE_TO_CEL, HttpJudge.FAILED_DUE_TO_CEL_HELP, 0);
		}
		URI uri;
		try {
			uri = URI.create(target.contains("://") ? target : "http://" + target);
			if (uri.getHost() == null) {
				throw new IllegalArgumentException("no host");
			}
		}
		catch (IllegalArgumentException ex) {
			log.error("Could not parse target URL", "err", ex.getMessage());
			return CompletableFuture.completedFuture(new Outcome(false, null, ex));
		}
		InetAddress literal = IpLiteral.parse(uri.getHost());
		if (literal != null && http.ipProtocol().choose(literal) == null) {
			// Go's LookupIP with the preferred family only: a literal of the other family is no address
			String why = "address " + IpText.of(literal) + ": no suitable address found";
			log.info("Resolving target address", "target", uri.getHost(), "ip_protocol", http.ipProtocol().preferred());
			log.error("Resolution with IP protocol failed", "target", uri.getHost(), "ip_protocol",
					http.ipProtocol().preferred(), "err", why);
			log.error("Error resolving address", "err", why);
			metrics.resolved(0, null);
			return CompletableFuture.completedFuture(new Outcome(false, null, new UnknownHostException(why)));
		}
		HttpProxy proxy;
		try {
			proxy = ProbeProxy.of(http.client().proxy(), this.environment.get());
			proxy = (proxy != null) ? proxy.firstRequestByAddress() : null; // as blackbox_exporter rewrites its URL
		}
		catch (IllegalArgumentException ex) {
			log.error("Error for HTTP request", "err", ex.getMessage());
			return CompletableFuture.completedFuture(new Outcome(false, null, ex));
		}
		// with skip_resolve_phase_with_proxy the proxy resolves: no look-up here, and no look-up gauges
		boolean resolves = !ProbeProxy.skipsResolve(http.client().proxy());
		Resolution resolution = new Resolution(http, (http.dnsServer() != null) ? http.dnsServer() : this.resolver);
		TlsCapture capture = new TlsCapture();
		TlsMaterial material = http.tlsMaterial();
		// per probe, for the capture; made only for https hops
		Supplier<SSLContext> context = (material == null) ? null : material.contexts(capture);
		List<RequestOptions.Hop> hops = new ArrayList<>();
		RequestOptions request = new RequestOptions(http.method(), parts.headers(), parts.body(), context,
				(material != null) ? material.engineSetup() : null, http.serverName(), resolution, true, hops::add,
				http.enableHttp2()).localAddress(http.sourceIpAddress()).proxy(proxy);
		if (http.sourceIpAddress() != null) {
			log.info("Using local address", "srcIP", http.sourceIpAddress().getHostAddress());
		}
		ProbeMemory.Lease lease = this.memory.lease();
		if ("https".equalsIgnoreCase(uri.getScheme())) {
			try {
				lease.reserve(ProbeMemory.TLS_BYTES, "the TLS connection's buffers");
			}
			catch (ProbeMemory.Refused ex) {
				lease.close();
				log.error("Error for HTTP request", "err", ex.getMessage());
				return CompletableFuture.completedFuture(new Outcome(false, null, ex));
			}
		}
		ProbeBody body = body(http, lease);
		// a jar of its own per probe, as blackbox_exporter's: cookies set on a redirect go to the next hop
		FetchOptions options = FetchOptions.get().request(request).policy(policy(http, timeout)).sink(body)
			.cookies(new CookieJar());
		if (resolves) {
			log.info("Resolving target address", "target", uri.getHost(), "ip_protocol", http.ipProtocol().preferred());
		}
		CompletableFuture<FetchResult> fetch = this.fetcher.fetch(uri, options);
		cancel.thenRun(() -> fetch.cancel(false)); // the fetch closes its connection and timer
		return fetch.handle((result, failure) -> {
			try {
				if (resolves) {
					resolution.report(uri, metrics, log);
				}
				metrics.phases(hops, resolves);
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				// the final response's head came (its hop is the last one) even if its body then failed; past
				// the redirect limit the last redirect is the answer, unread, as Go's client returns it
				boolean answered = !hops.isEmpty()
						&& (body.head() != null || cause instanceof FetchException.TooManyRedirects);
				boolean success = answered && new HttpJudge(http, log, metrics).judge(hops, body, cause);
				if (cause != null && !answered) {
					log.error("Error for HTTP request", "err",
							(cause instanceof CancellationException) ? "operation was canceled" : cause.getMessage());
				}
				boolean https = hops.isEmpty() ? "https".equalsIgnoreCase(uri.getScheme()) : hops.get(hops.size() - 1).https();
				if (https) {
					metrics.tls(capture);
				}
				if (capture.verifyError() != null) {
					log.error("Certificate verification failed", "err", capture.verifyError());
				}
				return new Outcome(success, result, cause);
			}
			finally {
				lease.close();
			}
		});
	}

	/**
	 * The body's way through the probe: the module's {@code compression} decoded, limited by
	 * {@code body_size_limit} (else the service's limit) on the decoded bytes, kept only for
	 * {@code fail_if_body_*}.
	 */
	private ProbeBody body(HttpOptions http, ProbeMemory.Lease lease) {
		BodyDecoder.Coding coding = switch (http.compression()) {
			case "gzip" -> BodyDecoder.Coding.GZIP;
			case "deflate" -> BodyDecoder.Coding.DEFLATE;
			case "br" -> BodyDecoder.Coding.BR;
			default -> null;
		};
		long limit = (http.bodySizeLimit() > 0) ? http.bodySizeLimit() : this.policy.maxBodySize();
		String name = (http.bodySizeLimit() > 0) ? "body_size_limit" : "the service's body limit";
		return new ProbeBody(coding, http.needsBody(), limit, name, this.fetcher.reactor(), lease);
	}

	private FetchPolicy policy(HttpOptions http, Duration timeout) {
		FetchPolicy.Builder builder = this.policy.toBuilder()
			.connectTimeout(timeout)
			.readTimeout(timeout)
			.totalTimeout(timeout)
			.maxRedirects(http.followRedirects() ? MAX_REDIRECTS : 0);
		// the body's limit is ProbeBody's, on what the probe reads after decoding, as blackbox_exporter's
		// MaxBytesReader: the response is still reported; what is read and not kept is not held
		return builder.maxBodySize(Long.MAX_VALUE).build();
	}

	/**
	 * The look-up with {@code preferred_ip_protocol} and {@code ip_protocol_fallback}
	 * ({@link IpPreference#choose}). Runs on the resolver executor; what it
	 * found is read on the loop thread after the fetch completed (the reactor's queue orders them).
	 */
	private static final class Resolution implements Resolver {

		private final HttpOptions http;

		private final Resolver delegate;

		private volatile InetAddress chosen;

		private volatile long nanos;

		Resolution(HttpOptions http, Resolver delegate) {
			this.http = http;
			this.delegate = delegate;
		}

		@Override
		public InetAddress[] resolve(String host) throws UnknownHostException {
			if (this.chosen != null) {
				return this.delegate.resolve(host); // a redirect's hop: the first look-up is the one reported
			}
			long start = System.nanoTime();
			try {
				InetAddress pick = this.http.ipProtocol().choose(this.delegate.resolve(host));
				if (pick == null) {
					throw new UnknownHostException("no " + this.http.ipProtocol().preferred() + " address for " + host
							+ " and ip_protocol_fallback is false");
				}
				this.chosen = pick;
				return new InetAddress[] { pick };
			}
			finally {
				this.nanos = System.nanoTime() - start;
			}
		}

		/** Loop thread, after the fetch: the look-up's gauges. */
		void report(URI uri, HttpGauges metrics, ProbeLog log) {
			InetAddress address = this.chosen;
			String host = uri.getHost();
			if (address == null && host != null) {
				address = IpLiteral.parse(host); // a literal: the fetcher looked nothing up
			}
			metrics.resolved(this.nanos, address);
			if (address != null) {
				log.info("Resolved target address", "target", host, "ip", IpText.of(address));
			}
			else {
				log.error("Resolution with IP protocol failed", "target", host);
			}
		}

	}

}
