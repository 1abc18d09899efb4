package dev.asyncore.boot.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncore.boot.endpoint.ReactorEndpoint;
import dev.asyncore.boot.health.ReactorHealthIndicator;
import dev.asyncore.boot.lifecycle.ReactorLifecycle;
import dev.asyncore.boot.listener.DispatcherFactory;
import dev.asyncore.boot.listener.ListenerRegistry;
import dev.asyncore.boot.listener.SslBundleTlsTransportFactory;
import dev.asyncore.boot.listener.TlsTransportFactory;
import dev.asyncore.boot.metrics.AsyncoreMetrics;
import dev.asyncore.core.Reactor;
import dev.asyncore.echo.DiscardHandler;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.UdpDiscardServer;
import dev.asyncore.echo.UdpEchoServer;

/**
 * The service's beans: the reactor, its listeners and lifecycle, and what observes them (meters,
 * the {@code reactor} health contributor and endpoint). Listener types are {@link DispatcherFactory}
 * beans; TLS listeners use Spring Boot SSL bundles ({@link SslBundleTlsTransportFactory}) unless a
 * {@link TlsTransportFactory} bean replaces it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AsyncoreProperties.class)
public class ServiceConfiguration {

	/** Unknown {@code asyncore.*} keys fail startup naming the closest known key. */
	@Bean
	static StrictBinding asyncoreStrictBinding() {
		return new StrictBinding();
	}

	/** {@code echo}: TCP connections echo with the listener's high-water mark; UDP datagrams go back. */
	@Bean
	DispatcherFactory echoDispatcherFactory() {
		return DispatcherFactory.of("echo",
				(reactor, channel, listener) -> new EchoHandler(reactor, channel,
						listener.writeHighWaterMark().toBytes()),
				UdpEchoServer::new);
	}

	/** {@code discard} (RFC 863): everything received is counted and dropped, over TCP or UDP. */
	@Bean
	DispatcherFactory discardDispatcherFactory() {
		return DispatcherFactory.of("discard", (reactor, channel, listener) -> new DiscardHandler(reactor, channel),
				UdpDiscardServer::new);
	}

	@Bean
	ListenerRegistry listenerRegistry(AsyncoreProperties properties, ObjectProvider<DispatcherFactory> factories,
			ObjectProvider<TlsTransportFactory> tls, ObjectProvider<SslBundles> sslBundles) {
		return new ListenerRegistry(properties, factories.orderedStream().toList(),
				tls.getIfAvailable(() -> new SslBundleTlsTransportFactory(sslBundles.getIfAvailable())));
	}

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
