package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

/**
 * The cross-thread rules of the Javadoc, shown: schedule from other threads leaves the timer heap to
 * the loop, and isClosed and state are true on any thread once the loop closed a dispatcher.
 */
@Timeout(60)
class CrossThreadRulesIT {

	@Test
	void whenANewTimerIsMadeOffTheLoopThenTheHeapAndItsSequenceAreUntouchedUntilTheLoopAddsIt() throws Exception {
		Reactor reactor = new Reactor("timers");
		try {
			Timers timers = new Timers(reactor);
			Thread[] makers = new Thread[2];
			Timers.Entry[] entries = new Timers.Entry[2];
			List<String> ran = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				int index = i;
				makers[i] = new Thread(() -> entries[index] = timers.newEntry(0, () -> ran.add("entry" + index)));
				makers[i].start();
				makers[i].join();
			}
			assertThat(timers.size()).as("making an entry touches no heap state").isZero();
			// equal deadlines run in the order the loop added them, not the order they were made
			timers.add(entries[1]);
			timers.add(entries[0]);
			timers.runExpired(Runnable::run);
			assertThat(ran).containsExactly("entry1", "entry0");
		}
		finally {
			reactor.close();
		}
	}

	@Test
	void whenManyThreadsScheduleAtOnceThenEveryTimerRunsOnceOnTheLoopThread() throws Exception {
		try (ReactorThread loop = new ReactorThread("schedulers")) {
			int threads = 4;
			int perThread = 500;
			AtomicInteger runs = new AtomicInteger();
			Set<String> runners = ConcurrentHashMap.newKeySet();
			CountDownLatch done = new CountDownLatch(threads * perThread);
			CyclicBarrier start = new CyclicBarrier(threads);
			List<Thread> schedulers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				Thread thread = new Thread(() -> {
					try {
						start.await();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					for (int i = 0; i < perThread; i++) {
						loop.reactor().schedule(Duration.ofMillis(i % 5), () -> {
							runs.incrementAndGet();
							runners.add(Thread.currentThread().getName());
							done.countDown();
						});
					}
				});
				schedulers.add(thread);
				thread.start();
			}
			for (Thread thread : schedulers) {
				thread.join();
			}
			assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(runs).hasValue(threads * perThread);
			assertThat(runners).containsExactly("schedulers");
			assertThat(loop.failure()).isNull();
		}
	}

	@Test
	void whenTheLoopClosesAListenerThenOtherThreadsSeeItClosed() throws Exception {
		try (ReactorThread loop = new ReactorThread("visibility")) {
			Dispatcher listener = loop.call(() -> {
				Dispatcher d = new Dispatcher(loop.reactor());
				d.createServerSocket();
				d.bind(new InetSocketAddress("127.0.0.1", 0));
				d.listen(5);
				return d;
			});
			assertThat(listener.isClosed()).isFalse();
			assertThat(listener.state()).isEqualTo("accepting");
			loop.reactor().execute(listener::close);
			// no handshake with the loop: the read itself must see the loop's write (a volatile field)
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!listener.isClosed() && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(listener.isClosed()).isTrue();
			assertThat(listener.state()).isEqualTo("closed");
		}
	}

}
