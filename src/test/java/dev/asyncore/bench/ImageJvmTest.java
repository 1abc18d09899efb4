package dev.asyncore.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile as the footprint benchmark reads it, and the rule that keeps its AOT cache usable. */
class ImageJvmTest {

	@Test
	void whenTheDockerfileIsReadThenTheTrainingRunUsesTheEntrypointsOptionsSoTheCacheIsAccepted() throws Exception {
		ImageJvm image = ImageJvm.fromDockerfile(Path.of("Dockerfile"));
		assertThat(image.options()).first().isEqualTo("-XX:AOTCache=app.aot");
		// a cache made with another GC or object header layout is refused at start, silently
		assertThat(image.trainingOptions()).isEqualTo(image.options().subList(1, image.options().size()));
		assertThat(image.env()).containsKeys("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");
		assertThat(image.env().get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
	}

	@Test
	void whenTheDockerfileIsReadThenTheCacheHoldsNoMethodProfilesWhichC1AloneDoesNotUse() throws Exception {
		ImageJvm image = ImageJvm.fromDockerfile(Path.of("Dockerfile"));
		// replaying JEP 515 profiles cost 4.9 MiB of idle RSS (src/docs/container.md); C1 compiles without them
		assertThat(image.options()).contains("-XX:TieredStopAtLevel=1")
			.containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:-AOTReplayTraining");
	}

	@Test
	void whenTheDockerfileAndTheDeploymentAreReadThenBothStartTheYoungGenerationAtFourMiB() throws Exception {
		ImageJvm image = ImageJvm.fromDockerfile(Path.of("Dockerfile"));
		// in the default 2.6 MiB the probes in flight are promoted: RSS 179 MiB under load, 139 with 4 MiB (container.md)
		assertThat(image.env().get("JAVA_TOOL_OPTIONS")).contains("-XX:NewSize=4m");
		assertThat(Files.readString(Path.of("config/kubernetes/deployment.yaml")))
			.containsPattern("JAVA_TOOL_OPTIONS\\s+value: \"[^\"]*-XX:NewSize=4m");
	}

	@Test
	void whenTheImageIsBuiltWithAProfileThenItsTrainingRunAndItsServiceRunWithIt() throws Exception {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		int runStage = dockerfile.lastIndexOf("\nFROM ");
		// declared in the last stage (an ARG does not cross stages), empty by default, and in the
		// environment of the training run and of the service
		int arg = dockerfile.indexOf("\nARG PROFILE=\n", runStage);
		int env = dockerfile.indexOf("\nENV SPRING_PROFILES_ACTIVE=${PROFILE}\n", runStage);
		int training = dockerfile.indexOf("\nRUN aot-training.sh ", runStage);
		assertThat(arg).as("ARG PROFILE= in the run stage").isGreaterThan(runStage);
		assertThat(env).as("ENV SPRING_PROFILES_ACTIVE=${PROFILE} after the ARG").isGreaterThan(arg);
		assertThat(training).as("the training run after the ENV").isGreaterThan(env);
		assertThat(Files.readString(ImageJvm.TRAINING)).contains("${SPRING_PROFILES_ACTIVE:-}").contains("blackbox-slot");

		ImageJvm image = ImageJvm.fromDockerfile(Path.of("Dockerfile"));
		assertThat(image.profile()).isEmpty();
		assertThat(image.withProfile("")).isSameAs(image);
		ImageJvm slot = image.withProfile("blackbox-slot");
		assertThat(slot.profile()).isEqualTo("blackbox-slot");
		assertThat(slot.env()).containsEntry("SPRING_PROFILES_ACTIVE", "blackbox-slot").containsAllEntriesOf(image.env());
		assertThat(slot.options()).isEqualTo(image.options());
	}

}
