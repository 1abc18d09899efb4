package dev.asyncore.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the socket-free response parser: any bytes, cut into reads anywhere, give the same outcome
 * as one read, end in a typed {@link FetchException} or a parse, and never hang. The seed corpus
 * (src/test/resources/.../ResponseParserFuzzTestInputs) runs in every build; JAZZER_FUZZ=1 fuzzes.
 */
class ResponseParserFuzzTest {

	@FuzzTest(maxDuration = "2m")
	void anySplitGivesTheSameOutcome(FuzzedDataProvider data) {
		boolean head = data.consumeBoolean();
		boolean eof = data.consumeBoolean();
		int cuts = data.consumeInt(0, 8);
		int[] sizes = new int[cuts];
		for (int i = 0; i < cuts; i++) {
			sizes[i] = data.consumeInt(0, 64);
		}
		byte[] response = data.consumeRemainingAsBytes();

		ParserHarness.Outcome whole = new ParserHarness(head, 1024, 4096).run(List.of(response), eof);
		ParserHarness.Outcome split = new ParserHarness(head, 1024, 4096).run(split(response, sizes), eof);

		if (whole.error() == null && split.error() == null) {
			assertThat(split).isEqualTo(whole);
		}
		else {
			// when a limit trips, how much body was handed over before may depend on the cut
			assertThat(split.error()).isEqualTo(whole.error());
			assertThat(split.status()).isEqualTo(whole.status());
		}
	}

	private static List<byte[]> split(byte[] bytes, int[] sizes) {
		List<byte[]> chunks = new ArrayList<>();
		int offset = 0;
		for (int size : sizes) {
			int end = Math.min(bytes.length, offset + size);
			chunks.add(Arrays.copyOfRange(bytes, offset, end));
			offset = end;
		}
		chunks.add(Arrays.copyOfRange(bytes, offset, bytes.length));
		return chunks;
	}

}
