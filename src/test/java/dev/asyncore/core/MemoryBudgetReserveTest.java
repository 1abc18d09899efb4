package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

/**
 * The budget's last chunk is kept for connections that hold nothing: when the queues that hold
 * memory must stop, a new client's first read still happens.
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

}
