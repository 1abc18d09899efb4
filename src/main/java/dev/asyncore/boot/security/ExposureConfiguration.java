package dev.asyncore.boot.security;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.asyncore.boot.config.ApiSecurityProperties;

/**
 * {@code asyncore.security} and the startup check of {@link Exposure}: a context that would serve
 * {@code /fetch} to the network without credentials fails here, before any port is bound.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiSecurityProperties.class)
public class ExposureConfiguration {

	@Bean
	Exposure asyncoreExposure(ApiSecurityProperties properties, Environment environment) {
		return Exposure.of(properties, environment);
	}

	@Bean
	Credentials asyncoreCredentials(ApiSecurityProperties properties) {
		return new Credentials(properties);
	}

	/** The same check for the reactor-served blackbox API, which Spring Security never sees. */
	@Bean
	ProbeAccess asyncoreProbeAccess(Credentials asyncoreCredentials, Exposure exposure) {
		return new ProbeAccess(asyncoreCredentials, exposure.anonymousAllowed());
	}

}
