package dev.asyncore.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.management.OperatingSystemMXBean;

/**
 * The fetch load: {@code concurrency} requests in flight, each body checked by its SHA-256 and
 * replaced by the next, until {@code total} completed. CPU is the whole client process's (I/O
 * threads, callbacks, GC, JIT), since that is what a user of the client pays.
 */
final class FetchLoad {

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private FetchLoad() {
	}

	record Result(int requests, long wallNanos, long processCpuNanos, long originCpuNanos) {

		double perSecond() {
			return this.requests / (this.wallNanos / 1e9);
		}

		double cpuMicrosPerRequest() {
			return this.processCpuNanos / 1e3 / this.requests;
		}

	}

	static Result run(FetchClients.Client client, NginxOrigin origin, URI uri, byte[] body, int concurrency,
			int total, Duration maxTime) throws Exception {
		String expected = FetchClients.sha256(body);
		AtomicInteger started = new AtomicInteger();
		AtomicInteger completed = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		Runnable[] launch = new Runnable[1];
		launch[0] = () -> {
			if (started.incrementAndGet() > total || failure.get() != null) {
				return;
			}
			client.get(uri).whenComplete((sha256, error) -> {
				if (error != null) {
					failure.compareAndSet(null, error);
					done.countDown();
					return;
				}
				if (!expected.equals(sha256)) {
					failure.compareAndSet(null, new IllegalStateException(client.name() + ": body differs"));
					done.countDown();
					return;
				}
				if (completed.incrementAndGet() == total) {
					done.countDown();
				}
				else {
					launch[0].run();
				}
			});
		};
		long cpu = OS.getProcessCpuTime();
		long originCpu = origin.cpuNanos();
		long start = System.nanoTime();
		for (int i = 0; i < concurrency; i++) {
			launch[0].run();
		}
		if (!done.await(maxTime.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException(client.name() + ": " + completed.get() + " of " + total
					+ " requests within " + maxTime);
		}
		if (failure.get() != null) {
			throw new IllegalStateException(client.name() + " failed", failure.get());
		}
		long wall = System.nanoTime() - start;
		return new Result(completed.get(), wall, OS.getProcessCpuTime() - cpu, origin.cpuNanos() - originCpu);
	}

}
