package dev.asyncore.boot.reactor;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.asyncore.boot.config.AsyncoreProperties.ReactorProperties;
import dev.asyncore.boot.listener.ConfiguredListener;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ReactorGroup;

/**
 * Runs the reactor for the application context: {@link #start()} binds every configured listener
 * (before the loop thread starts, so a taken port fails startup) and starts the loop thread;
 * {@link #stop(Runnable)} drains connections within {@code asyncore.reactor.shutdown-grace} (see
 * {@link GracefulShutdown}), then ends the loop, closes the reactor and calls back.
 *
 * <p>It starts before the web server and stops after it, so that HTTP requests being served can
 * still use the reactor. It runs once: a stopped reactor is closed and cannot start again. The
 * query methods may be called from any thread.
 */
public class ReactorLifecycle implements SmartLifecycle {

	/** Starts before, and stops after, the web server (which uses DEFAULT_PHASE - 2048). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** Longest selector wait of an idle loop, so that the last-pass age stays meaningful. */
	private static final Duration MAX_PASS_INTERVAL = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(ReactorLifecycle.class);

	private final Reactor reactor;

	/** The loops: the acceptor ({@link #reactor}) plus {@code asyncore.reactor.threads - 1} more. */
	private final ReactorGroup group;

	private final ListenerRegistry registry;

	private final ReactorProperties properties;

	private final AtomicReference<Runnable> stopCallback = new AtomicReference<>();

	private volatile List<BoundListener> listeners = List.of();

	private volatile boolean started;

	private volatile boolean running;

	public ReactorLifecycle(Reactor reactor, ListenerRegistry registry, ReactorProperties properties) {
		this.reactor = reactor;
		this.registry = registry;
		this.properties = properties;
		int threads = (properties != null) ? properties.threads() : 1;
		this.group = new ReactorGroup(reactor, threads, passInterval());
		if (properties != null) {
			for (Reactor loop : this.group.reactors()) {
				if (properties.maxBufferedBytes() != null) {
					loop.memoryBudget().setMax(properties.maxBufferedBytes().toBytes());
				}
				loop.memoryBudget().setEvictionTimeout(properties.overBudgetTimeout());
			}
		}
	}

	@Override
	public void start() {
		if (this.started) {
			throw new IllegalStateException(this.reactor + " already ran; it cannot start again");
		}
		this.started = true;
		List<BoundListener> bound = new ArrayList<>();
		try {
			for (ConfiguredListener listener : this.registry.listeners()) {
				Dispatcher dispatcher = listener.open(this.reactor, this.group);
				SocketAddress address = dispatcher.localAddress();
				logger.info("Listener '{}' ({} {}) bound to {}", listener.name(), listener.properties().type(),
						listener.properties().protocol().name().toLowerCase(), HostPort.of(address));
				bound.add(new BoundListener(listener, dispatcher, address));
			}
		}
		catch (RuntimeException ex) {
			reactors().forEach(Reactor::close);
			throw ex;
		}
		this.listeners = List.copyOf(bound);
		this.running = true;
		this.group.onTerminated(() -> {
			this.running = false;
			runStopCallback();
		});
		this.group.start();
	}

	private void runStopCallback() {
		Runnable callback = this.stopCallback.getAndSet(null);
		if (callback != null) {
			callback.run();
		}
	}

	/** An idle loop passes at least four times per stall timeout, so idleness never looks like a stall. */
	private Duration passInterval() {
		if (this.properties == null) {
			return MAX_PASS_INTERVAL;
		}
		Duration quarter = this.properties.stallTimeout().dividedBy(4);
		return (quarter.compareTo(MAX_PASS_INTERVAL) < 0) ? quarter : MAX_PASS_INTERVAL;
	}

	/**
	 * Drains and stops without blocking the caller; {@code callback} runs on the loop thread once
	 * the reactor is closed (or at once if the loop already ended).
	 */
	@Override
	public void stop(Runnable callback) {
		this.stopCallback.set(callback);
		Duration grace = this.properties.shutdownGrace();
		for (Reactor loop : reactors()) {
			List<BoundListener> own = (loop == this.reactor) ? this.listeners : List.of();
			try {
				loop.execute(() -> new GracefulShutdown(loop, own, grace, loop::stop).begin());
			}
			catch (RuntimeException ex) {
				// That loop already ended and closed its reactor: nothing left to drain there.
				logger.debug("{} already stopped", loop);
			}
		}
		if (this.group.isTerminated()) {
			runStopCallback();
		}
	}

	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			if (!stopped.await(this.properties.shutdownGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
				logger.warn("{} did not stop within its grace period", this.reactor);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The reactor that runs the listeners (the only one unless {@code threads} is above 1). */
	public Reactor reactor() {
		return this.reactor;
	}

	/** Every loop's reactor, the acceptor first; any thread. */
	public List<Reactor> reactors() {
		return this.group.reactors();
	}

	@Override
	public String toString() {
		return "ReactorLifecycle[" + this.reactor + ", listeners=" + this.listeners.size()
				+ (this.running ? ", running" : ", stopped")
				+ ((loopFailure() != null) ? ", died: " + loopFailure() : "")
				+ ']';
	}

	/** The listeners bound by {@link #start()}; empty before. */
	public List<BoundListener> listeners() {
		return this.listeners;
	}

	/** Finds a bound listener by name; {@code null} if there is none (yet). */
	public BoundListener listener(String name) {
		return find(this.listeners, name);
	}

	/**
	 * Whether the listener {@code name} is bound now; any thread. Read without asking the loop (it is
	 * a metric read on every scrape), so it may lag the loop by a moment; every field it reads is
	 * final or volatile ({@code running}, the listener list, the dispatcher's lifecycle).
	 */
	public boolean isBound(String name) {
		BoundListener listener = listener(name);
		return this.running && listener != null && !listener.dispatcher().isClosed();
	}

	/** What ended the loop thread, or {@code null} while it runs or after a clean stop. */
	public Throwable loopFailure() {
		return this.group.failure();
	}

	/**
	 * Every configured listener's state, read on the loop thread: the answer also proves that the
	 * loop is responsive. Fails with {@link java.util.concurrent.RejectedExecutionException} once the
	 * reactor is closed.
	 */
	public CompletableFuture<List<ListenerState>> listenerStates() {
		List<BoundListener> bound = this.listeners;
		return this.reactor.submit(() -> {
			List<ListenerState> states = new ArrayList<>();
			for (ConfiguredListener configured : this.registry.listeners()) {
				BoundListener listener = find(bound, configured.name());
				states.add(new ListenerState(configured.name(), configured.properties().type(),
						configured.properties().protocol().name().toLowerCase(),
						(listener != null) ? listener.describeAddress() : null,
						listener != null && !listener.dispatcher().isClosed(), configured.stats().activeConnections()));
			}
			return states;
		});
	}

	private static BoundListener find(List<BoundListener> listeners, String name) {
		return listeners.stream().filter((l) -> l.name().equals(name)).findFirst().orElse(null);
	}

}
