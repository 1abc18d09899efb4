package dev.asyncore.probe.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check in a JVM of its own under {@code -Xmx256m}: 48 body-keeping probes of a target
 * that sends almost 10 MiB and stalls (about 480 MiB if nothing bounded them) end without an
 * {@code OutOfMemoryError}, the loop alive, the budget back at zero and a small probe answered.
 */
@Timeout(180)
class ProbeMemoryHeapIT {

	@Test
	void dozensOfBodyKeepingProbesUnderASmallHeapEndWithoutOutOfMemory() throws Exception {
		try (Origin origin = ProbeMemoryIT.origin()) {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
					System.getProperty("java.class.path"), ProbeMemoryHeapCheck.class.getName(), origin.url("/big"),
					origin.url("/small"), "48").redirectErrorStream(true).start();
			String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
			String result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(output);
			System.out.println("probe memory under -Xmx256m: " + result);
			assertThat(child.exitValue()).as(output).isZero();
			assertThat(result).as(output).contains("probes=48 failed=48", "usedAfter=0", "smallProbe=true", "loop=alive")
				.doesNotContain("OutOfMemoryError");
		}
	}

}
