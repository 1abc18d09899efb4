package dev.asyncore.probe.config;

import java.nio.file.Path;

/**
 * A file an option names that is read each time a probe needs it ({@code body_file}), with the
 * option's key for the error when it cannot be. Immutable; any thread.
 *
 * @param key the option's dotted path, such as {@code modules.web.http.body_file}
 * @param path the file, resolved against the module file's directory
 */
public record NamedFile(String key, Path path) {

	/** The option {@code name} of {@code s} as a file, or {@code null} if absent or empty. */
	public static NamedFile parse(YamlSection s, String name, ModuleFiles files) {
		String value = s.string(name, null);
		return (value == null || value.isEmpty()) ? null : new NamedFile(s.key(name), files.path(value));
	}

	/**
	 * Its bytes now. Blocking I/O, never on a loop thread.
	 * @throws ModuleConfigException naming the key, the file and why it cannot be read
	 */
	public byte[] read() {
		return ModuleFiles.readNow(this.key, this.path);
	}

}
