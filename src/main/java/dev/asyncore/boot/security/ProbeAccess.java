package dev.asyncore.boot.security;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.asyncore.boot.config.Scope;
import dev.asyncore.boot.security.Credentials.Verdict;
import dev.asyncore.probe.exporter.ExporterAccess;
import dev.asyncore.probe.exporter.ExporterRequest;
import dev.asyncore.probe.exporter.ExporterResponse;

/**
 * The credentials check of the reactor-served blackbox API ({@code /probe}, {@code /-/reload}):
 * the same tokens, users, scope ({@code probe}) and exposure rule as the Spring Security chain of
 * the HTTP API. No credential: 401 with the challenges, unless {@link Exposure} lets anonymous
 * callers in; a wrong one: 401 always; one without the {@code probe} scope: 403; a client whose
 * basic logins failed too often: 429 with {@code Retry-After}, before any bcrypt round.
 *
 * <p>Bearer tokens (one SHA-256) and basic credentials verified within the last minute are decided
 * on the loop thread; a basic password not yet verified is a bcrypt round (tens of milliseconds)
 * on a small pool of its own, and a full pool answers 503.
 */
public final class ProbeAccess implements ExporterAccess, AutoCloseable {

	private static final CompletableFuture<ExporterResponse> ALLOWED = CompletableFuture.completedFuture(null);

	private final Credentials credentials;

	private final boolean anonymousAllowed;

	private final ThreadPoolExecutor bcrypt = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(256), (task) -> {
				Thread thread = new Thread(task, "asyncore-probe-auth");
				thread.setDaemon(true);
				return thread;
			});

	ProbeAccess(Credentials credentials, boolean anonymousAllowed) {
		this.credentials = credentials;
		this.anonymousAllowed = anonymousAllowed;
		this.bcrypt.allowCoreThreadTimeOut(true);
	}

	@Override
	public CompletableFuture<ExporterResponse> check(ExporterRequest request, SocketAddress client) {
		String authorization = request.headers().get("authorization");
		if (authorization == null) {
			return this.anonymousAllowed ? ALLOWED
					: CompletableFuture.completedFuture(ExporterResponse.unauthorized(this.credentials.challenges()));
		}
		try {
			return this.credentials.check(authorization, address(client), this.bcrypt).thenApply(this::decide);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.completedFuture(ExporterResponse.text(503, "Too many logins at once; retry later\n"));
		}
	}

	/** The client of the back-off: its IP address (a unix socket's peers are one client). */
	private static String address(SocketAddress client) {
		if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
			return inet.getAddress().getHostAddress();
		}
		return String.valueOf(client);
	}

	private ExporterResponse decide(Verdict verdict) {
		if (verdict instanceof Verdict.Throttled throttled) {
			return ExporterResponse.tooManyRequests(throttled.seconds(),
					"429 Too Many Requests: too many failed logins from this address; retry in " + throttled.seconds()
							+ " s\n");
		}
		if (!(verdict instanceof Verdict.Allowed allowed)) {
			return ExporterResponse.unauthorized(this.credentials.challenges());
		}
		return allowed.caller().may(Scope.PROBE) ? null
				: ExporterResponse.text(403, "403 Forbidden: the credential lacks the probe scope\n");
	}

	@Override
	public void close() {
		this.bcrypt.shutdownNow();
	}

}
