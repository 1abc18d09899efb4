package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file that cannot be read is reported with its reason, not its path twice. */
class IoReasonTest {

	@TempDir
	Path dir;

	@Test
	void whenAFileIsMissingOrDeniedThenTheReasonIsSaidInWords() {
		assertThat(IoReason.of(new NoSuchFileException("/etc/x.yml"))).isEqualTo("no such file");
		assertThat(IoReason.of(new AccessDeniedException("/etc/x.yml"))).isEqualTo("permission denied");
		assertThat(IoReason.of(new IOException("disk on fire"))).isEqualTo("disk on fire");
	}

	@Test
	void whenAModuleNamesAMissingFileThenTheFailureSaysNoSuchFile() {
		Path missing = this.dir.resolve("body.json");
		assertThatThrownBy(() -> ModuleFiles.relativeTo(this.dir).read("modules.m.http.body_file", "body.json"))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining("cannot read '" + missing + "': no such file")
			.hasMessageNotContaining(missing + "': " + missing);
	}

}
