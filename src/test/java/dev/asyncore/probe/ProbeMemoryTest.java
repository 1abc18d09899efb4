package dev.asyncore.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The probe memory budget's two bounds, its figures and its leases. */
@Timeout(30)
class ProbeMemoryTest {

	private static final long MIB = 1 << 20;

	@Test
	void aProbeMayHoldAQuarterAndIsRefusedBeyondItWithTheFigures() throws ProbeMemory.Refused {
		ProbeMemory memory = new ProbeMemory(8 * MIB);
		assertThat(memory.share()).isEqualTo(2 * MIB);
		ProbeMemory.Lease lease = memory.lease();
		lease.reserve(2 * MIB - 10, "the response body");
		assertThatThrownBy(() -> lease.reserve(11, "the response body")).isInstanceOf(ProbeMemory.Refused.class)
			.hasMessage("probe memory: the response body needs 11 more bytes; this probe holds 2097142 of its share of "
					+ "2097152 bytes (a quarter of the probe memory budget of 8388608 bytes)");
		assertThat(lease.held()).isEqualTo(2 * MIB - 10);
		assertThat(memory.used()).isEqualTo(2 * MIB - 10);
		assertThat(memory.refusals()).isEqualTo(1);
	}

	@Test
	void probesTogetherAreRefusedBeyondTheTotal() throws ProbeMemory.Refused {
		ProbeMemory memory = new ProbeMemory(8 * MIB);
		List<ProbeMemory.Lease> leases = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			ProbeMemory.Lease lease = memory.lease();
			lease.reserve(2 * MIB - 1, "the response body");
			leases.add(lease);
		}
		ProbeMemory.Lease late = memory.lease();
		assertThatThrownBy(() -> late.reserve(5, "the DNS reply")).isInstanceOf(ProbeMemory.Refused.class)
			.hasMessage("probe memory: the DNS reply needs 5 more bytes; probes hold 8388604 of the 8388608-byte probe "
					+ "memory budget");
		late.reserve(4, "the DNS reply");
		assertThat(memory.used()).isEqualTo(8 * MIB);
		assertThat(memory.peak()).isEqualTo(8 * MIB);
		leases.forEach(ProbeMemory.Lease::close);
		late.close();
		assertThat(memory.used()).isZero();
		assertThat(memory.peak()).isEqualTo(8 * MIB);
	}

	@Test
	void aClosedLeaseGaveEverythingBackOnceAndTakesNothingMore() throws ProbeMemory.Refused {
		ProbeMemory memory = new ProbeMemory(4 * MIB);
		ProbeMemory.Lease lease = memory.lease();
		lease.reserve(1000, "x");
		lease.release(400);
		assertThat(memory.used()).isEqualTo(600);
		lease.release(10_000); // never below what it holds
		assertThat(memory.used()).isZero();
		lease.reserve(300, "x");
		lease.close();
		lease.close();
		assertThat(memory.used()).isZero();
		assertThatThrownBy(() -> lease.reserve(1, "the decoder")).isInstanceOf(ProbeMemory.Refused.class)
			.hasMessageContaining("after the probe ended");
		assertThat(memory.used()).isZero();
	}

	@Test
	void loopsShareOneTotalWithoutLosingAByte() throws Exception {
		ProbeMemory memory = new ProbeMemory(64 * MIB);
		ExecutorService loops = Executors.newFixedThreadPool(4);
		CountDownLatch go = new CountDownLatch(1);
		try {
			List<Future<Long>> granted = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				granted.add(loops.submit(() -> {
					go.await();
					long total = 0;
					for (int i = 0; i < 20_000; i++) {
						ProbeMemory.Lease lease = memory.lease();
						try {
							lease.reserve(4096, "x");
							lease.reserve(4096, "x");
							total += lease.held();
						}
						catch (ProbeMemory.Refused ex) {
							throw new AssertionError(ex);
						}
						lease.close();
					}
					return total;
				}));
			}
			go.countDown();
			for (Future<Long> future : granted) {
				assertThat(future.get(20, TimeUnit.SECONDS)).isEqualTo(20_000L * 8192);
			}
		}
		finally {
			loops.shutdownNow();
		}
		assertThat(memory.used()).isZero();
		assertThat(memory.peak()).isBetween(8192L, 4 * 8192L);
	}

	@Test
	void theBudgetIsAtLeastOneMebibyteAndByDefaultAQuarterOfTheHeap() {
		assertThatThrownBy(() -> new ProbeMemory(MIB - 1)).isInstanceOf(IllegalArgumentException.class);
		assertThat(ProbeMemory.defaultMax()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
	}

}
