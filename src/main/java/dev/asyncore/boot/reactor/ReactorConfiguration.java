package dev.asyncore.boot.reactor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.listener.ListenerConfiguration;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.core.Reactor;

/**
 * The reactor and what observes it: its lifecycle (which binds the listeners of
 * {@link ListenerConfiguration}), the {@code asyncore.*} meters, the {@code reactor} health
 * contributor and Actuator endpoint. Importing it gives a context the whole reactor side of the
 * service.
 */
@Configuration(proxyBeanMethods = false)
@Import(ListenerConfiguration.class)
public class ReactorConfiguration {

	/** Closed by {@link ReactorLifecycle} on its own loop thread, not by the bean factory. */
	@Bean(destroyMethod = "")
	Reactor asyncoreReactor(AsyncoreProperties properties) {
		return new Reactor(properties.reactor().threadName());
	}

	@Bean
	ReactorLifecycle reactorLifecycle(Reactor asyncoreReactor, ListenerRegistry listenerRegistry,
			AsyncoreProperties properties) {
		return new ReactorLifecycle(asyncoreReactor, listenerRegistry, properties.reactor());
	}

	@Bean
	AsyncoreMetrics asyncoreMetrics(ListenerRegistry listenerRegistry, ReactorLifecycle reactorLifecycle) {
		return new AsyncoreMetrics(listenerRegistry, reactorLifecycle);
	}

	@Bean
	ReactorHealthIndicator reactorHealthIndicator(ReactorLifecycle reactorLifecycle, AsyncoreProperties properties) {
		return new ReactorHealthIndicator(reactorLifecycle, properties.reactor().stallTimeout());
	}

	@Bean
	ReactorEndpoint reactorEndpoint(ReactorLifecycle reactorLifecycle) {
		return new ReactorEndpoint(reactorLifecycle);
	}

}
