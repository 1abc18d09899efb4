package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a module names ({@code password_file}, {@code bearer_token_file}, {@code tls_config}'s
 * {@code *_file}): a relative path is relative to the module file's directory, not the working
 * directory (see blackbox.md). Reading is blocking I/O, done while the file is read.
 */
public interface ModuleFiles {

	/**
	 * The content of {@code path}, its trailing new line removed.
	 * @param key the option that names the file, for the error
	 * @throws ModuleConfigException naming {@code key} if the file cannot be read
	 */
	String read(String key, String path);

	/** {@code path} as written in the module file, resolved against the file's directory when relative. */
	Path path(String path);

	/**
	 * The bytes of {@code file} now, for an option read each time a probe needs it ({@code body_file},
	 * a credential's {@code *_file}). Blocking I/O, never on a loop thread.
	 * @param key the option that names the file, for the error
	 * @throws ModuleConfigException naming {@code key}, the file and the reason if it cannot be read
	 */
	static byte[] readNow(String key, Path file) {
		try {
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new ModuleConfigException(key, "cannot read '" + file + "': " + IoReason.of(ex));
		}
	}

	/** The files of a module file in {@code base}, or (with {@code null}) of one given as text. */
	static ModuleFiles relativeTo(Path base) {
		return new ModuleFiles() {

			@Override
			public String read(String key, String path) {
				String content = new String(readNow(key, path(path)), StandardCharsets.UTF_8);
				return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
			}

			@Override
			public Path path(String path) {
				return (base != null) ? base.resolve(path) : Path.of(path);
			}

		};
	}

}
