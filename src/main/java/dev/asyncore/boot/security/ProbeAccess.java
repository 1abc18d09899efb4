package dev.asyncore.boot.security;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.asyncore.boot.config.Scope;
import dev.asyncore.boot.security.Credentials.Caller;
import dev.asyncore.probe.exporter.ExporterAccess;
import dev.asyncore.probe.exporter.ExporterRequest;
import dev.asyncore.probe.exporter.ExporterResponse;

/**
 * The credentials check of the reactor-served blackbox API ({@code /probe}, {@code /-/reload}):
 * the same tokens, users, scope ({@code probe}) and exposure rule as the Spring Security chain of
 * the HTTP API. No credential: 401 with the challenges, unless {@link Exposure} lets anonymous
 * callers in; a wrong one: 401 always; one without the {@code probe} scope: 403.
 *
 * <p>Bearer tokens are one SHA-256, checked on the loop thread; a basic password is a bcrypt round
 * (tens of milliseconds), so it runs on a small pool of its own and a full pool answers 503.
 */
public final class ProbeAccess implements ExporterAccess, AutoCloseable {

	private static final CompletableFuture<ExporterResponse> ALLOWED = CompletableFuture.completedFuture(null);

	private final Credentials credentials;

	private final boolean anonymousAllowed;

	private final ThreadPoolExecutor bcrypt = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(256), (task) -> {
				Thread thread = new Thread(task, "asyncore-probe-auth");
				thread.setDaemon(true);
				return thread;
			});

	ProbeAccess(Credentials credentials, boolean anonymousAllowed) {
		this.credentials = credentials;
		this.anonymousAllowed = anonymousAllowed;
	}

	@Override
	public CompletableFuture<ExporterResponse> check(ExporterRequest request) {
		String authorization = request.headers().get("authorization");
		if (authorization == null) {
			return this.anonymousAllowed ? ALLOWED
					: CompletableFuture.completedFuture(ExporterResponse.unauthorized(this.credentials.challenges()));
		}
		if (!authorization.strip().toLowerCase(Locale.ROOT).startsWith("basic ")) {
			return CompletableFuture.completedFuture(decide(authorization));
		}
		try {
			return CompletableFuture.supplyAsync(() -> decide(authorization), this.bcrypt);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.completedFuture(ExporterResponse.text(503, "Too many logins at once; retry later\n"));
		}
	}

	private ExporterResponse decide(String authorization) {
		Optional<Caller> caller = this.credentials.authenticate(authorization);
		if (caller.isEmpty()) {
			return ExporterResponse.unauthorized(this.credentials.challenges());
		}
		return caller.get().may(Scope.PROBE) ? null
				: ExporterResponse.text(403, "403 Forbidden: the credential lacks the probe scope\n");
	}

	@Override
	public void close() {
		this.bcrypt.shutdownNow();
	}

}
