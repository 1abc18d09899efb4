package dev.asyncore.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several reactors, each on its own thread: the first also accepts, and listeners hand accepted
 * connections to {@link #next()} in turn (see {@link ServerDispatcher}). With one thread this is
 * asyncore's model exactly. Each connection stays on the reactor it was given; nothing is shared
 * between loops but the listener's stats, which are sharded per reactor.
 *
 * <p>{@link #next()} is called on the acceptor's loop thread only; {@link #start()},
 * {@link #stop()} and the figures from any thread.
 */
public final class ReactorGroup implements Supplier<Reactor>, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReactorGroup.class);

	private final List<Reactor> reactors = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final CountDownLatch terminated;

	private final Duration maxWait;

	private final AtomicReference<Runnable> onTerminated = new AtomicReference<>();

	private volatile Throwable failure;

	private int nextIndex;

	/**
	 * @param threadName name of the first loop thread; others get {@code -1}, {@code -2}... appended
	 * @param count number of reactors and threads, at least 1
	 * @param maxWait longest select wait of an idle loop (bounds {@link Reactor#lastPassAge()})
	 */
	public ReactorGroup(String threadName, int count, Duration maxWait) {
		this(new Reactor(threadName), count, maxWait);
	}

	/**
	 * A group whose first loop runs {@code acceptor}, a reactor the caller already holds (and may have
	 * put listeners in); the others are named after it with {@code -1}, {@code -2}... appended, and
	 * each thread after its reactor.
	 */
	public ReactorGroup(Reactor acceptor, int count, Duration maxWait) {
		if (count < 1) {
			throw new IllegalArgumentException("a reactor group needs at least one thread, got " + count);
		}
		this.maxWait = maxWait;
		this.terminated = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			Reactor reactor = (i == 0) ? acceptor : new Reactor(acceptor.name() + "-" + i);
			this.reactors.add(reactor);
			this.threads.add(new Thread(() -> run(reactor), reactor.name()));
		}
	}

	private void run(Reactor reactor) {
		try {
			reactor.runUntilStopped(this.maxWait);
		}
		catch (Throwable ex) {
			// An Error (or a failing selector) ends this loop: record it so health can report it.
			this.failure = ex;
			logger.error("The loop of {} died; closing its listeners and connections", reactor, ex);
		}
		finally {
			try {
				reactor.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Closing {} failed", reactor, ex);
			}
			this.terminated.countDown();
			if (isTerminated()) {
				runOnTerminated();
			}
		}
	}

	/**
	 * Runs {@code callback} once, on the last loop thread to end, or at once (on the caller) if every
	 * loop has already ended. Any thread; replaces a callback that has not run yet.
	 */
	public void onTerminated(Runnable callback) {
		this.onTerminated.set(callback);
		if (isTerminated()) {
			runOnTerminated();
		}
	}

	private void runOnTerminated() {
		Runnable callback = this.onTerminated.getAndSet(null);
		if (callback != null) {
			callback.run();
		}
	}

	/** Whether every loop thread has ended (false before {@link #start()}). */
	public boolean isTerminated() {
		return this.terminated.getCount() == 0;
	}

	/** Starts every loop thread. */
	public void start() {
		for (Thread thread : this.threads) {
			thread.start();
		}
	}

	/** The reactor that runs the listeners. */
	public Reactor acceptor() {
		return this.reactors.get(0);
	}

	/** The reactor for the next accepted connection, round-robin. Acceptor's loop thread only. */
	public Reactor next() {
		Reactor reactor = this.reactors.get(this.nextIndex);
		this.nextIndex = (this.nextIndex + 1) % this.reactors.size();
		return reactor;
	}

	@Override
	public Reactor get() {
		return next();
	}

	public List<Reactor> reactors() {
		return List.copyOf(this.reactors);
	}

	public List<Thread> threads() {
		return List.copyOf(this.threads);
	}

	/** Dispatchers in all maps. */
	public int size() {
		int size = 0;
		for (Reactor reactor : this.reactors) {
			size += reactor.size();
		}
		return size;
	}

	/** What ended a loop thread abnormally, or {@code null}. */
	public Throwable failure() {
		return this.failure;
	}

	/** Whether every loop thread is alive. */
	public boolean isRunning() {
		for (Thread thread : this.threads) {
			if (!thread.isAlive()) {
				return false;
			}
		}
		return true;
	}

	/** Asks every loop to stop after its current pass; any thread. */
	public void stop() {
		for (Reactor reactor : this.reactors) {
			reactor.stop();
		}
	}

	/** Waits for every loop thread to end. */
	public boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		stop();
		awaitTermination(Duration.ofSeconds(10));
	}

}
