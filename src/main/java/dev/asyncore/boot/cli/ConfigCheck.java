package dev.asyncore.boot.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

/**
 * {@code --config.check}: reads the module file as the service would at startup and exits, binding
 * nothing (a systemd unit's {@code ExecStartPre}). Exit 0 and a line with "ok"; 1 and the key at
 * fault, or why the file cannot be read. Main thread; blocking I/O.
 */
final class ConfigCheck {

	/** blackbox_exporter's default of {@code --config.file}. */
	static final String DEFAULT_FILE = "blackbox.yml";

	private ConfigCheck() {
	}

	static int run(String configFile, PrintStream out, PrintStream err) {
		Path file = Path.of((configFile == null) ? DEFAULT_FILE : configFile);
		try {
			ModuleFile modules = ModuleFile.read(file, Probers.standard().kinds());
			modules.unavailable().forEach((module, why) -> err.println("WARN module " + module + ": " + why));
			out.println("Config file is ok: " + modules.modules().size() + " modules in " + file);
			return 0;
		}
		catch (NoSuchFileException ex) {
			err.println("Error loading config " + file + ": no such file");
		}
		catch (IOException ex) {
			err.println("Error loading config " + file + ": " + ex);
		}
		catch (ModuleConfigException ex) {
			err.println("Error loading config " + file + ": " + ex.getMessage());
		}
		return 1;
	}

}
