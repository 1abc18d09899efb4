package dev.asyncore.bench;

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

}
