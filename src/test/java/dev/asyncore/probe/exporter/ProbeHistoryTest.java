package dev.asyncore.probe.exporter;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The bounds of the probe history: its two rings, a run's output cap, and a limit of 0. */
class ProbeHistoryTest {

	@Test
	void aRunsOutputIsCutAtItsCapWithANoteAndMadeOnce() {
		ProbeHistory history = new ProbeHistory(1);
		AtomicInteger made = new AtomicInteger();
		long id = history.add("m", "t", false, 0.1, () -> {
			made.incrementAndGet();
			return "x".repeat(ProbeHistory.MAX_LOG_CHARS + 10);
		});
		String output = history.byId(id).debugOutput().get();
		assertThat(output).startsWith("x".repeat(ProbeHistory.MAX_LOG_CHARS))
			.endsWith("\n[truncated: 10 more characters not kept]\n");
		assertThat(output.length()).isLessThan(ProbeHistory.MAX_LOG_CHARS + 100);
		history.byId(id).debugOutput().get();
		assertThat(made).hasValue(1);
		assertThat(ProbeHistory.cap("short")).isEqualTo("short");
	}

	@Test
	void aLimitOfZeroKeepsNothingButStillNumbersTheRuns() {
		ProbeHistory history = new ProbeHistory(0);
		assertThat(history.keeps()).isFalse();
		assertThat(history.add("m", "t", false, 0, () -> "a")).isZero();
		assertThat(history.add("m", "t", true, 0, () -> "b")).isEqualTo(1);
		assertThat(history.list()).isEmpty();
		assertThat(history.byId(0)).isNull();
		assertThat(history.latest("t", "")).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> new ProbeHistory(-1));
	}

	@Test
	void theNewestRunOfATargetIsFoundWithOrWithoutItsModule() {
		ProbeHistory history = new ProbeHistory(2);
		history.add("a", "t", false, 0, () -> "0");
		history.add("b", "t", true, 0, () -> "1");
		history.add("a", "u", true, 0, () -> "2"); // 0 moves to the failures
		assertThat(history.latest("t", "a").id()).isZero();
		assertThat(history.latest("t", null).id()).isEqualTo(1);
		assertThat(history.latest("t", "c")).isNull();
		assertThat(history.list()).extracting(ProbeHistory.Run::id).containsExactly(2L, 1L, 0L);
	}

	@Test
	@Timeout(30)
	void runsAddedOnSeveralThreadsWhilePagesReadKeepDistinctIdsAndTheBound() throws Exception {
		ProbeHistory history = new ProbeHistory(8);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		CountDownLatch go = new CountDownLatch(1);
		try {
			Set<Future<?>> adders = new HashSet<>();
			for (int t = 0; t < 3; t++) {
				int thread = t;
				adders.add(threads.submit(() -> {
					go.await();
					for (int i = 0; i < 2_000; i++) {
						history.add("m", "t" + thread, i % 3 == 0, 0, () -> "");
					}
					return null;
				}));
			}
			Future<Integer> reader = threads.submit(() -> {
				go.await();
				int most = 0;
				for (int i = 0; i < 2_000; i++) {
					most = Math.max(most, history.list().size());
					history.latest("t1", "m");
				}
				return most;
			});
			go.countDown();
			for (Future<?> adder : adders) {
				adder.get(20, TimeUnit.SECONDS);
			}
			assertThat(reader.get(20, TimeUnit.SECONDS)).isLessThanOrEqualTo(16);
			assertThat(history.list()).hasSize(16)
				.extracting(ProbeHistory.Run::id)
				.doesNotHaveDuplicates()
				.allMatch((id) -> id >= 0 && id < 6_000);
			assertThat(history.add("m", "t", true, 0, () -> "")).isEqualTo(6_000);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
