package dev.asyncore.boot.listener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.PropertiesConfiguration;
import dev.asyncore.echo.DiscardHandler;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.UdpDiscardServer;
import dev.asyncore.echo.UdpEchoServer;

/**
 * The listeners of {@code asyncore.listeners}, each resolved to its type: listener types are
 * {@link DispatcherFactory} beans ({@code echo} and {@code discard} are built in); TLS listeners use
 * Spring Boot SSL bundles ({@link SslBundleTlsTransportFactory}) unless a {@link TlsTransportFactory}
 * bean replaces it.
 */
@Configuration(proxyBeanMethods = false)
@Import(PropertiesConfiguration.class)
public class ListenerConfiguration {

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

}
