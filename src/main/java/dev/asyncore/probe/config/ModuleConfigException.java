package dev.asyncore.probe.config;

/**
 * A module file that cannot be used: the message names the key ({@code modules.http_2xx.http.method})
 * and says what is wrong with it. Unchecked, so a reload can report it without ceremony.
 */
public final class ModuleConfigException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String key;

	public ModuleConfigException(String key, String problem) {
		super(key + ": " + problem);
		this.key = key;
	}

	/** The dotted path of the offending key, such as {@code modules.web.http.valid_status_codes}. */
	public String key() {
		return this.key;
	}

}
