package dev.asyncore.boot.config;

/**
 * A configuration value the service cannot run with. The message starts with the property's name,
 * as written in {@code application.yml}, so that a failed startup says what to fix.
 */
public class InvalidConfigurationException extends IllegalArgumentException {

	private final String property;

	public InvalidConfigurationException(String property, String reason) {
		super(property + ": " + reason);
		this.property = property;
	}

	/** The offending property, such as {@code asyncore.listeners[1].port}. */
	public String property() {
		return this.property;
	}

}
