package dev.asyncore.http;

import java.net.InetAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.core.Reactor;

/**
 * HTTP/1.1 and HTTPS GET/HEAD on a {@link Reactor}: {@code fetch(URI)} returns a future of a
 * {@link FetchResult}, or of a {@link FetchException} saying what went wrong. Every hop is checked
 * by the {@link FetchPolicy}; names are resolved on a small executor, never on the loop thread;
 * connections are kept alive and reused per (scheme, host, port), a bounded number of them idle.
 *
 * <pre>{@code
 * Fetcher fetcher = Fetcher.builder(reactor).policy(FetchPolicy.defaults()).build();
 * fetcher.fetch(URI.create("https://example.org/"))
 *     .thenAccept(r -> System.out.println(r.status() + " " + r.bodySize() + " " + r.sha256()));
 * }</pre>
 *
 * <p>Any thread may call {@link #fetch}; the work runs on the reactor's loop, which must be running.
 * Futures complete on the loop thread: dependent stages that block belong on another executor
 * ({@code thenApplyAsync(..., executor)}). Cancelling a future does not stop its fetch, which ends
 * by itself within the policy's total timeout.
 */
public final class Fetcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Fetcher.class);

	/** The User-Agent sent unless the builder sets another. */
	public static final String DEFAULT_USER_AGENT = "asyncore-fetcher/0.1";

	private final Reactor reactor;

	private final FetchPolicy policy;

	private final Resolver resolver;

	private final Executor resolverExecutor;

	private final ExecutorService ownedExecutor;

	private final String userAgent;

	private final ConnectionPool pool;

	private Fetcher(Builder builder, SSLContext sslContext) {
		this.reactor = builder.reactor;
		this.policy = builder.policy;
		this.resolver = builder.resolver;
		this.userAgent = builder.userAgent;
		if (builder.resolverExecutor != null) {
			this.resolverExecutor = builder.resolverExecutor;
			this.ownedExecutor = null;
		}
		else {
			this.ownedExecutor = resolverPool(builder.reactor.name());
			this.resolverExecutor = this.ownedExecutor;
		}
		this.pool = new ConnectionPool(builder.maxIdlePerRoute, builder.maxIdleTotal, builder.keepAlive, sslContext);
	}

	public static Builder builder(Reactor reactor) {
		return new Builder(reactor);
	}

	private static ExecutorService resolverPool(String name) {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				task -> {
					Thread thread = new Thread(task, name + "-dns-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/** GETs {@code uri} with the fetcher's policy, keeping the body in memory. Any thread. */
	public CompletableFuture<FetchResult> fetch(URI uri) {
		return fetch(uri, FetchOptions.get());
	}

	/**
	 * Fetches {@code uri} as {@code options} say. Any thread. Cancelling the returned future ends the
	 * fetch on the loop: its connection and timer close.
	 */
	public CompletableFuture<FetchResult> fetch(URI uri, FetchOptions options) {
		Objects.requireNonNull(uri, "uri");
		Objects.requireNonNull(options, "options");
		CompletableFuture<FetchResult> future = new CompletableFuture<>();
		try {
			this.reactor.execute(() -> {
				FetchExchange exchange = new FetchExchange(this, uri, options, future);
				try {
					exchange.start();
				}
				catch (RuntimeException ex) {
					exchange.unexpected(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

	/** Idle pooled connections; loop thread (others: {@code reactor.submit(fetcher::idleConnections)}). */
	public int idleConnections() {
		return this.pool.idleCount();
	}

	/** Closes idle connections and stops the resolver threads this fetcher made. Any thread. */
	@Override
	public void close() {
		if (this.reactor.inLoopThread()) {
			this.pool.closeAll();
		}
		else {
			try {
				this.reactor.execute(this.pool::closeAll);
			}
			catch (RejectedExecutionException ex) {
				logger.debug("{} is closed, and closed the pooled connections with it", this.reactor, ex);
			}
		}
		if (this.ownedExecutor != null) {
			this.ownedExecutor.shutdown();
		}
	}

	/** The loop this fetcher's work runs on (where {@link BodySink}s are called). */
	public Reactor reactor() {
		return this.reactor;
	}

	FetchPolicy policy() {
		return this.policy;
	}

	Resolver resolver() {
		return this.resolver;
	}

	/** Where this fetcher's blocking look-ups run; other probers of its loop share it. */
	public Executor resolverExecutor() {
		return this.resolverExecutor;
	}

	String userAgent() {
		return this.userAgent;
	}

	ConnectionPool pool() {
		return this.pool;
	}

	/** Configures a {@link Fetcher}; not thread-safe. */
	public static final class Builder {

		private final Reactor reactor;

		private FetchPolicy policy = FetchPolicy.defaults();

		private SSLContext sslContext;

		private Resolver resolver = InetAddress::getAllByName;

		private Executor resolverExecutor;

		private String userAgent = DEFAULT_USER_AGENT;

		private int maxIdlePerRoute = 64;

		private int maxIdleTotal = 256;

		private Duration keepAlive = Duration.ofSeconds(20);

		private Builder(Reactor reactor) {
			this.reactor = Objects.requireNonNull(reactor, "reactor");
		}

		/** Default: {@link FetchPolicy#defaults()}. */
		public Builder policy(FetchPolicy policy) {
			this.policy = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/** Trust for https; default {@code SSLContext.getDefault()} (the JDK's trust store). */
		public Builder sslContext(SSLContext context) {
			this.sslContext = context;
			return this;
		}

		/** Default: {@link InetAddress#getAllByName}. */
		public Builder resolver(Resolver resolver) {
			this.resolver = Objects.requireNonNull(resolver, "resolver");
			return this;
		}

		/** Where look-ups run; default: 4 daemon threads owned (and shut down) by the fetcher. */
		public Builder resolverExecutor(Executor executor) {
			this.resolverExecutor = executor;
			return this;
		}

		public Builder userAgent(String userAgent) {
			if (userAgent.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
				throw new IllegalArgumentException("userAgent must be printable ASCII: " + userAgent);
			}
			this.userAgent = userAgent;
			return this;
		}

		/** Idle keep-alive connections kept per (scheme, host, port) (default 64) and in all (256). */
		public Builder maxIdle(int perRoute, int total) {
			this.maxIdlePerRoute = perRoute;
			this.maxIdleTotal = total;
			return this;
		}

		/** How long an idle connection is kept (default 20 s). */
		public Builder keepAlive(Duration keepAlive) {
			this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
			return this;
		}

		public Fetcher build() {
			SSLContext context = this.sslContext;
			if (context == null) {
				try {
					context = SSLContext.getDefault();
				}
				catch (NoSuchAlgorithmException ex) {
					throw new IllegalStateException("The JDK has no default TLS context", ex);
				}
			}
			return new Fetcher(this, context);
		}

	}

}
