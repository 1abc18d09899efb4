package dev.asyncore.boot.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidConfigurationException} anywhere in a failed startup's causes into Spring
 * Boot's "APPLICATION FAILED TO START" report: the property and the reason, and the exception's own
 * action (a typo gets spelling advice, a taken port gets port advice).
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis("Invalid asyncore configuration: " + cause.getMessage(), cause.action(), cause);
	}

}
