package dev.asyncore.boot.probes;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.asyncore.boot.blackbox.BlackboxConfiguration.BlackboxProbers;
import dev.asyncore.boot.blackbox.BlackboxModules;
import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.fetch.FetchConfiguration;
import dev.asyncore.boot.fetch.FetchMetrics;
import dev.asyncore.boot.reactor.ReactorLifecycle;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.http.HttpProber;

/**
 * The static probes of {@code asyncore.probes}: each runs blackbox_exporter's http prober on the
 * service's {@link Fetcher} and fetch policy, on a reactor timer; their {@code asyncore.probe.*}
 * gauges and the {@code probes} endpoint (with the blackbox modules, when the service has them); the
 * meters of the probe memory budgets, theirs and the blackbox listener's.
 */
@Configuration(proxyBeanMethods = false)
@Import(FetchConfiguration.class)
public class ProbesConfiguration {

	/** What the scheduled probes hold; the {@code /probe} side has a budget of its own ({@code asyncore.blackbox.probe-memory}). */
	private final ProbeMemory probesMemory = new ProbeMemory(ProbeMemory.defaultMax());

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
						probesMemory),
				fetchMetrics);
	}

	@Bean
	ProbeMemoryMetrics probeMemoryMetrics(ObjectProvider<BlackboxProbers> blackboxProbers) {
		Map<String, ProbeMemory> budgets = new LinkedHashMap<>();
		budgets.put("probes", this.probesMemory);
		BlackboxProbers blackbox = blackboxProbers.getIfAvailable();
		if (blackbox != null) {
			budgets.put("blackbox", blackbox.memory());
		}
		return new ProbeMemoryMetrics(budgets);
	}

	@Bean
	ProbeMetrics probeMetrics(ProbeScheduler probeScheduler) {
		return new ProbeMetrics(probeScheduler.probes());
	}

	@Bean
	ProbesEndpoint probesEndpoint(ProbeScheduler probeScheduler, ObjectProvider<BlackboxModules> blackboxModules) {
		BlackboxModules modules = blackboxModules.getIfAvailable();
		return new ProbesEndpoint(probeScheduler.probes(), (modules != null) ? modules::current : null);
	}

}
