package dev.asyncore.boot.fetch;

import java.net.InetAddress;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.boot.lifecycle.ReactorLifecycle;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.http.HttpProber;

/**
 * The fetch service's beans: one {@link Fetcher} on the lifecycle's reactor with the policy of
 * {@code asyncore.fetch}, the {@link FetchService} behind {@code /fetch}, the probes of
 * {@code asyncore.probes} with their meters and endpoint. A {@link Resolver} bean replaces DNS, an
 * {@link SSLContext} bean the JDK's trust store (tests use both).
 */
@Configuration(proxyBeanMethods = false)
public class FetchConfiguration {

	@Bean
	FetchPolicy asyncoreFetchPolicy(AsyncoreProperties properties) {
		return properties.fetch().toPolicy();
	}

	/** Usable once the lifecycle started; closes its idle connections on shutdown. */
	@Bean(destroyMethod = "close")
	Fetcher asyncoreFetcher(ReactorLifecycle reactorLifecycle, FetchPolicy asyncoreFetchPolicy,
			ObjectProvider<Resolver> resolver, ObjectProvider<SSLContext> sslContext, AsyncoreProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		Fetcher.Builder builder = Fetcher.builder(reactorLifecycle.reactor()).policy(asyncoreFetchPolicy);
		resolver.ifAvailable(builder::resolver);
		sslContext.ifAvailable(builder::sslContext);
		String bundle = properties.fetch().tlsBundle();
		if (bundle != null && !bundle.isBlank()) {
			builder.sslContext(bundleContext(bundle, sslBundles.getIfAvailable()));
		}
		return builder.build();
	}

	/** The trust (and client key) material of {@code asyncore.fetch.tls-bundle}. */
	private static SSLContext bundleContext(String name, SslBundles bundles) {
		try {
			if (bundles == null) {
				throw new NoSuchSslBundleException(name, "no SSL bundles are configured (spring.ssl.bundle.*)");
			}
			return bundles.getBundle(name).createSslContext();
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationException("asyncore.fetch.tls-bundle", ex.getMessage(),
					"Define spring.ssl.bundle.pem." + name + ".truststore.certificate (the private CA) or "
							+ "spring.ssl.bundle.jks." + name + ".truststore.*, or remove asyncore.fetch.tls-bundle.");
		}
	}

	@Bean
	FetchMetrics fetchMetrics(MeterRegistry meterRegistry) {
		return new FetchMetrics(meterRegistry);
	}

	@Bean
	FetchService fetchService(Fetcher asyncoreFetcher, FetchMetrics fetchMetrics, AsyncoreProperties properties) {
		return new FetchService(asyncoreFetcher, fetchMetrics, properties.fetch().maxConcurrent(),
				properties.fetch().maxInlineBody().toBytes());
	}

	@Bean
	ProbeScheduler probeScheduler(AsyncoreProperties properties, ReactorLifecycle reactorLifecycle,
			Fetcher asyncoreFetcher, FetchPolicy asyncoreFetchPolicy, FetchMetrics fetchMetrics,
			ObjectProvider<Resolver> resolver) {
		List<Probe> probes = properties.probes().stream().map((p) -> {
			try {
				return new Probe(p, FetchPolicy.parseUrl(p.url()));
			}
			catch (FetchException.InvalidUrl ex) {
				throw new IllegalStateException("asyncore.probes: validated while binding, yet " + ex.getMessage(), ex);
			}
		}).toList();
		return new ProbeScheduler(probes, reactorLifecycle,
				new HttpProber(asyncoreFetcher, asyncoreFetchPolicy, resolver.getIfAvailable(() -> InetAddress::getAllByName),
						new ProbeMemory(ProbeMemory.defaultMax())),
				fetchMetrics);
	}

	@Bean
	ProbeMetrics probeMetrics(ProbeScheduler probeScheduler) {
		return new ProbeMetrics(probeScheduler.probes());
	}

	@Bean
	ProbesEndpoint probesEndpoint(ProbeScheduler probeScheduler) {
		return new ProbesEndpoint(probeScheduler.probes());
	}

}
