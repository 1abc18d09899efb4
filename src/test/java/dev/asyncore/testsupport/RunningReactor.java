package dev.asyncore.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.asyncore.core.Reactor;

/** A reactor looping on a background thread for socket tests; close() stops and joins it. */
public final class RunningReactor implements AutoCloseable {

	private final Reactor reactor;

	private final Thread thread;

	public RunningReactor(String name) {
		this.reactor = new Reactor(name);
		this.thread = new Thread(() -> this.reactor.runUntilStopped(Duration.ofMillis(100)), name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	public Reactor reactor() {
		return this.reactor;
	}

	/** Runs {@code callable} on the loop thread and waits for its result. */
	public <T> T call(Callable<T> callable) throws Exception {
		return this.reactor.submit(callable).get(10, TimeUnit.SECONDS);
	}

	/** Runs {@code task} on the loop thread and waits for it. */
	public void run(ThrowingRunnable task) throws Exception {
		call(() -> {
			task.run();
			return null;
		});
	}

	@Override
	public void close() throws InterruptedException {
		this.reactor.stop();
		this.thread.join(10_000);
		this.reactor.close();
	}

	/** A runnable that may throw. */
	@FunctionalInterface
	public interface ThrowingRunnable {

		void run() throws Exception;

	}

}
