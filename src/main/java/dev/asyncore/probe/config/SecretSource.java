package dev.asyncore.probe.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A credential given inline ({@code password}) or as a file ({@code password_file}), as Prometheus's
 * common HTTP client configuration has them: the file is read again each time a probe needs the value
 * ({@link #current()}), so a rotated token is used without a reload, and its content is trimmed of
 * surrounding white space as Prometheus trims it. Renders as {@code <secret>} (with the file's path
 * when there is one). Immutable; any thread.
 *
 * @param key the option's dotted path, for errors ({@code modules.web.http.basic_auth.password_file})
 * @param loaded the inline value, or the file's content as the module file loaded (empty if it could
 * not be read then: the module is pending until it can)
 * @param file the file read for each probe, or {@code null} for an inline value
 */
public record SecretSource(String key, Secret loaded, Path file) {

	/**
	 * Reads {@code name} (a secret, masked where the module is shown) or {@code fileName} of {@code s};
	 * {@code null} when neither is set.
	 * @throws ModuleConfigException when both are set, with Prometheus's rule
	 */
	public static SecretSource parse(YamlSection s, String name, String fileName, ModuleFiles files) {
		return parse(s, name, fileName, files, true);
	}

	/**
	 * As {@link #parse(YamlSection, String, String, ModuleFiles)}; {@code masked} false for a value shown
	 * as written (a user name).
	 */
	public static SecretSource parse(YamlSection s, String name, String fileName, ModuleFiles files, boolean masked) {
		String text = masked ? null : s.string(name, null);
		Secret inline = masked ? s.secret(name) : (text == null) ? null : Secret.of(text);
		String path = s.string(fileName, null);
		if (inline != null && path != null) {
			throw new ModuleConfigException(s.key(fileName), "at most one of " + name + " & " + fileName
					+ " must be configured");
		}
		if (path != null) {
			return new SecretSource(s.key(fileName), Secret.of(files.read(s.key(fileName), path).strip()), files.path(path));
		}
		return (inline == null) ? null : new SecretSource(s.key(name), inline, null);
	}

	/** An inline value. */
	public static SecretSource of(String key, Secret value) {
		return new SecretSource(key, value, null);
	}

	/** Whether {@link #current()} reads a file. */
	public boolean fromFile() {
		return this.file != null;
	}

	/**
	 * The value for a probe now: the inline value, or the file read again. Blocking I/O when
	 * {@link #fromFile()}, so never on a loop thread.
	 * @throws ModuleConfigException naming the key and the file when it cannot be read
	 */
	public Secret current() {
		return (this.file == null) ? this.loaded
				: Secret.of(new String(ModuleFiles.readNow(this.key, this.file), StandardCharsets.UTF_8).strip());
	}

	@Override
	public String toString() {
		return (this.file == null) ? Secret.MASK : Secret.MASK + " (from " + this.file + ")";
	}

}
