package dev.asyncore.boot.config;

/**
 * A configuration value the service cannot run with. The message starts with the property's name,
 * as written in {@code application.yml}, so that a failed startup says what to fix; the action is
 * what Spring Boot's failure report tells the user to do about it.
 */
public class InvalidConfigurationException extends IllegalArgumentException {

	private final String property;

	private final String action;

	/** A bad value: the action is to fix {@code property}. */
	public InvalidConfigurationException(String property, String reason) {
		this(property, reason, "Fix the property " + property + " in application.yml (or the environment).");
	}

	/** A failure whose remedy is not (only) editing the value, such as a port another process holds. */
	public InvalidConfigurationException(String property, String reason, String action) {
		super(property + ": " + reason);
		this.property = property;
		this.action = action;
	}

	/** The offending property, such as {@code asyncore.listeners[1].port}. */
	public String property() {
		return this.property;
	}

	/** What to do about it, one or two sentences. */
	public String action() {
		return this.action;
	}

}
