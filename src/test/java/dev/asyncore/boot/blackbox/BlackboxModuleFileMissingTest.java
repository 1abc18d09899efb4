package dev.asyncore.boot.blackbox;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.boot.config.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code asyncore.blackbox.config-file} naming a file that is not there: the startup error says so. */
class BlackboxModuleFileMissingTest {

	@Test
	void whenTheModuleFileIsMissingThenStartupFailsSayingNoSuchFile(@TempDir Path dir) {
		Path missing = dir.resolve("blackbox.yml");
		assertThatThrownBy(() -> new BlackboxModules(missing.toString(), Duration.ZERO))
			.isInstanceOf(InvalidConfigurationException.class)
			.hasMessage("asyncore.blackbox.config-file: cannot read '" + missing + "': no such file");
	}

}
