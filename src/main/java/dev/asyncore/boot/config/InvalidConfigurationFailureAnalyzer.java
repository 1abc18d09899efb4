package dev.asyncore.boot.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidConfigurationException} anywhere in a failed startup's causes into Spring
 * Boot's "APPLICATION FAILED TO START" report, naming the property to fix.
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis("Invalid asyncore configuration: " + cause.getMessage(),
				"Fix the property " + cause.property() + " in application.yml (or the environment), "
						+ "or free the port if another process holds it.",
				cause);
	}

}
