package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

/**
 * The top of the budget is kept for connections that hold nothing: when the queues that hold
 * memory must stop, a new client's first read still happens; what a never-reader took of that
 * reserve is taken back from it while a new client waits.
 */
@Timeout(30)
class MemoryBudgetReserveTest {

	private static final int CHUNK = ChunkPool.CHUNK;

	@Test
	void whenTheBudgetIsNearlyFullThenHoldersStopAChunkEarlierThanAnEmptyQueue() throws Exception {
		try (ReactorThread loop = new ReactorThread("reserve")) {
			boolean[] allowed = loop.call(() -> {
				MemoryBudget budget = loop.reactor().memoryBudget();
				budget.setMax(8L * CHUNK);
				OutputQueue holder = new OutputQueue(new BufferedDispatcher(loop.reactor()));
				OutputQueue other = new OutputQueue(new BufferedDispatcher(loop.reactor()));
				OutputQueue empty = new OutputQueue(new BufferedDispatcher(loop.reactor()));
				budget.charge(holder, 2L * CHUNK);
				budget.charge(other, 4L * CHUNK + 1); // 6 chunks and a byte: tight, and one more chunk for a holder would leave less than one
				boolean small = budget.allowsRead(holder); // below the average, yet past the reserve
				boolean fresh = budget.allowsRead(empty);
				budget.release(other, 2);
				boolean smallAfter = budget.allowsRead(holder);
				return new boolean[] { budget.isTight(), small, fresh, smallAfter };
			});
			assertThat(allowed[0]).as("tight").isTrue();
			assertThat(allowed[1]).as("a holder may not take the last chunk").isFalse();
			assertThat(allowed[2]).as("a queue holding nothing may").isTrue();
			assertThat(allowed[3]).as("a holder below the average with the reserve free may read").isTrue();
		}
	}

	@Test
	void whenABorrowerKeepsTheReserveWhileANewClientWaitsThenItIsClosedAfterTheLoanAndTheClientResumed() throws Exception {
		try (ReactorThread loop = new ReactorThread("loan")) {
			MemoryBudget budget = loop.reactor().memoryBudget();
			OutputQueue[] queues = loop.call(() -> {
				budget.setMax(32L * CHUNK);
				budget.setEvictionTimeout(Duration.ofMillis(200));
				OutputQueue holder = new OutputQueue(new BufferedDispatcher(loop.reactor()));
				OutputQueue[] own = new OutputQueue[1];
				BufferedDispatcher never = new BufferedDispatcher(loop.reactor()) {

					@Override
					public void close() {
						boolean open = !isClosed();
						super.close();
						if (open) {
							budget.release(own[0], 2L * CHUNK); // what a real connection's queue gives back on close
						}
					}

				};
				OutputQueue borrower = new OutputQueue(never);
				own[0] = borrower;
				OutputQueue fresh = new OutputQueue(new BufferedDispatcher(loop.reactor()));
				budget.charge(holder, 30L * CHUNK); // up to the reserve of two chunks: tight
				assertThat(budget.allowsRead(holder)).as("a holder stops below the reserve").isFalse();
				assertThat(budget.allowsRead(borrower)).as("a queue holding nothing reads into the reserve").isTrue();
				budget.charge(borrower, 2L * CHUNK); // the never-reader keeps what it read
				assertThat(budget.allowsRead(fresh)).as("the reserve is taken: the new client waits").isFalse();
				return new OutputQueue[] { holder, borrower, fresh };
			});
			assertThat(budget.reserve()).isEqualTo(2L * CHUNK);
			assertThat(budget.reserveLoan()).isEqualTo(Duration.ofMillis(200));
			await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> queues[1].owner().isClosed()));
			await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> !queues[2].isPaused()));
			loop.run(() -> {
				assertThat(budget.allowsRead(queues[2])).as("the new client reads into the reserve").isTrue();
				assertThat(queues[0].owner().isClosed()).as("the holder below the reserve is left alone").isFalse();
				assertThat(budget.evictions()).isEqualTo(1);
			});
		}
	}

}
