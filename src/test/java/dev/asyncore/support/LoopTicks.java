package dev.asyncore.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.core.Reactor;

/**
 * A timer on a reactor's loop that ticks every {@code period} a given number of times and records
 * how late each tick ran (wall clock) and how much CPU the loop thread spent between two ticks.
 *
 * <p>The CPU figure is what a test of "nothing holds the loop" can assert on any machine: a tick
 * runs at the end of the first pass after it is due, so the loop's CPU between two ticks is at most
 * a period plus the longest pass, whatever else the machine is doing; the wall-clock lateness also
 * counts the time the loop thread waited for a core, and is only reported.
 */
public final class LoopTicks {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final Reactor reactor;

	private final long periodNanos;

	private final int ticks;

	private final CountDownLatch done;

	private final AtomicLong worstLateness = new AtomicLong();

	private final AtomicLong worstCpuBetween = new AtomicLong();

	private long start;

	private long lastCpu = -1;

	private LoopTicks(Reactor reactor, Duration period, int ticks) {
		this.reactor = reactor;
		this.periodNanos = period.toNanos();
		this.ticks = ticks;
		this.done = new CountDownLatch(ticks);
	}

	/** Starts {@code ticks} ticks, {@code period} apart, on {@code reactor}'s loop; any thread. */
	public static LoopTicks start(Reactor reactor, Duration period, int ticks) {
		if (!THREADS.isCurrentThreadCpuTimeSupported()) {
			throw new IllegalStateException("this JVM does not measure thread CPU time");
		}
		LoopTicks loopTicks = new LoopTicks(reactor, period, ticks);
		reactor.execute(loopTicks::begin);
		return loopTicks;
	}

	private void begin() {
		this.start = System.nanoTime();
		this.lastCpu = THREADS.getCurrentThreadCpuTime();
		scheduleTick(1);
	}

	private void scheduleTick(int i) {
		long due = this.start + i * this.periodNanos;
		this.reactor.schedule(Duration.ofNanos(due - System.nanoTime()), () -> {
			long cpu = THREADS.getCurrentThreadCpuTime();
			this.worstLateness.accumulateAndGet(System.nanoTime() - due, Math::max);
			this.worstCpuBetween.accumulateAndGet(cpu - this.lastCpu, Math::max);
			this.lastCpu = cpu;
			this.done.countDown();
			if (i < this.ticks) {
				scheduleTick(i + 1);
			}
		});
	}

	/** Waits for the last tick; whether it ran within {@code timeout}. */
	public boolean await(Duration timeout) throws InterruptedException {
		return this.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** The latest a tick ran after it was due, wall clock. */
	public Duration worstLateness() {
		return Duration.ofNanos(this.worstLateness.get());
	}

	/** The most CPU the loop thread spent between two consecutive ticks. */
	public Duration worstCpuBetweenTicks() {
		return Duration.ofNanos(this.worstCpuBetween.get());
	}

}
