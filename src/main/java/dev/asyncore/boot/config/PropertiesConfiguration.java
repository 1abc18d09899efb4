package dev.asyncore.boot.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code asyncore.*} contract: {@link AsyncoreProperties} bound and validated, and strict
 * binding, so an unknown key under {@code asyncore} fails startup naming the closest known key. Every
 * feature's configuration imports it; it imports none of them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AsyncoreProperties.class)
public class PropertiesConfiguration {

	/** Unknown {@code asyncore.*} keys fail startup naming the closest known key. */
	@Bean
	static StrictBinding asyncoreStrictBinding() {
		return new StrictBinding();
	}

}
