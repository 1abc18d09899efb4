package dev.asyncore.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the benchmark runner with tiny sizes so that {@code ./mvnw verify} proves it works; the
 * figures themselves are only meaningful from {@code ./mvnw -Pbench verify}.
 */
@Timeout(180)
class BenchmarkSmokeIT {

	@Test
	void whenTheRunnerRunsQuickSizesThenEveryFigureIsMeasuredForBothSides() throws Exception {
		BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.Settings.QUICK);
		runner.runEcho();
		assertThat(runner.rows()).hasSize(14);
		assertThat(runner.rows()).extracting(BenchmarkRunner.Row::figure).contains("throughput, median run");
		assertThat(runner.rows()).filteredOn(row -> !row.figure().startsWith("heap"))
			.allSatisfy(row -> {
				assertThat(row.ours()).as(row.scenario() + " " + row.figure() + " ours").isPositive();
				assertThat(row.peer()).as(row.scenario() + " " + row.figure() + " peer").isPositive();
			});
		String table = runner.table();
		assertThat(table).contains("| (a) 1 conn x 64 B ping-pong | p50 latency (us) |")
			.contains("(e) 100 idle connections");
	}

}
