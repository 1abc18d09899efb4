package dev.asyncore.boot.config;

/**
 * The checks every {@code asyncore.*} record shares for a value that must be there or within bounds,
 * run while binding. Each failure is an {@link InvalidConfigurationException} naming the property as
 * written in {@code application.yml}, the value it got and what it accepts. (Plain checks instead of
 * Bean Validation: Hibernate Validator loads ~650 classes at start for these few rules.)
 */
final class Required {

	/** What a duration property accepts. */
	static final String DURATION = "a duration such as 10s, 500ms or 5m";

	/** What a size property accepts. */
	static final String SIZE = "a size such as 64KB or 1MB";

	private Required() {
	}

	/** {@code value}, which an empty setting leaves null; {@code allowed} says what to set instead. */
	static <T> T present(String property, T value, String allowed) {
		if (value == null) {
			throw new InvalidConfigurationException(property, "must be set to " + allowed + ", was empty");
		}
		return value;
	}

	/** {@code value}, neither null nor blank. */
	static String text(String property, String value) {
		if (value == null || value.isBlank()) {
			throw new InvalidConfigurationException(property,
					"must not be blank, was " + ((value == null) ? "empty" : "'" + value + "'"));
		}
		return value;
	}

	/** {@code value}, at least {@code min}. */
	static int atLeast(String property, int value, int min) {
		if (value < min) {
			throw new InvalidConfigurationException(property,
					"must be greater than or equal to " + min + ", was " + value);
		}
		return value;
	}

	/** {@code value}, within {@code min..max}. */
	static int between(String property, int value, int min, int max) {
		if (value < min || value > max) {
			throw new InvalidConfigurationException(property,
					"must be between " + min + " and " + max + ", was " + value);
		}
		return value;
	}

}
