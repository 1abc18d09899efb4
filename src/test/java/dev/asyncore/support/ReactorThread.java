package dev.asyncore.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/** Runs a {@link Reactor} on its own thread for a test; {@link #close()} stops it and closes the map. */
public final class ReactorThread implements AutoCloseable {

	private final Reactor reactor;

	private final Thread thread;

	private final CountDownLatch finished = new CountDownLatch(1);

	private volatile Throwable failure;

	public ReactorThread(String name) {
		this.reactor = new Reactor(name);
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		try {
			this.reactor.runUntilStopped(Duration.ofMillis(200));
		}
		catch (Throwable ex) {
			this.failure = ex;
		}
		finally {
			this.reactor.close();
			this.finished.countDown();
		}
	}

	public Reactor reactor() {
		return this.reactor;
	}

	public Thread thread() {
		return this.thread;
	}

	/** Runs {@code callable} on the loop thread and waits up to 10 s for its result. */
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

	/** The first dispatcher of {@code type} in the map, read on the loop thread. */
	public <D extends Dispatcher> D first(Class<D> type) throws Exception {
		return call(() -> this.reactor.dispatchers()
			.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + this.reactor)));
	}

	/** What ended the loop thread abnormally, or {@code null}. */
	public Throwable failure() {
		return this.failure;
	}

	@Override
	public void close() throws InterruptedException {
		this.reactor.stop();
		if (!this.finished.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("reactor thread did not stop: " + this.reactor);
		}
	}

	@FunctionalInterface
	public interface ThrowingRunnable {

		void run() throws Exception;

	}

}
