package dev.asyncore.boot.blackbox;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.event.Level;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncore.boot.config.AsyncoreProperties;
import dev.asyncore.boot.config.AsyncoreProperties.ListenerProperties;
import dev.asyncore.boot.config.BlackboxProperties;
import dev.asyncore.boot.listener.DispatcherFactory;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.exporter.BlackboxExporter;
import dev.asyncore.probe.exporter.ExporterAccess;
import dev.asyncore.probe.exporter.ExporterAdmission;
import dev.asyncore.probe.exporter.ExporterConnection;
import dev.asyncore.probe.exporter.ExporterPages;
import dev.asyncore.probe.exporter.OperatorPages;
import dev.asyncore.probe.exporter.RequestDeadlines;
import dev.asyncore.probe.probers.ProberContext;
import dev.asyncore.probe.probers.Probers;

/**
 * The blackbox_exporter drop-in: the module file, the exporter, and the {@code blackbox} listener
 * type whose connections answer {@code /probe} on the reactor. Each loop gets its own
 * {@link Fetcher}, so a probe runs on the loop of the connection that asked for it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BlackboxProperties.class)
public class BlackboxConfiguration {

	@Bean(destroyMethod = "close")
	BlackboxModules blackboxModules(BlackboxProperties properties) {
		return new BlackboxModules(properties.configFile(), properties.reloadCheckInterval());
	}

	@Bean(destroyMethod = "close")
	SighupReload blackboxSighupReload(BlackboxModules blackboxModules) {
		return new SighupReload(blackboxModules);
	}

	@Bean
	BlackboxProbers blackboxProbers(BlackboxProperties properties, ObjectProvider<Resolver> resolver,
			ObjectProvider<SSLContext> sslContext) {
		FetchPolicy policy = FetchPolicy.builder()
			.allowPrivateNetworks(properties.allowPrivateNetworks())
			.allowedHosts(new HashSet<>(properties.allowedHosts()))
			.maxBodySize(properties.maxBodySize())
			.privateNetworksSetting("asyncore.blackbox.allow-private-networks: true")
			.build();
		long memory = (properties.probeMemory() != null) ? properties.probeMemory().toBytes() : ProbeMemory.defaultMax();
		return new BlackboxProbers(policy, resolver.getIfAvailable(() -> InetAddress::getAllByName), new ProbeMemory(memory));
	}

	@Bean
	BlackboxExporter blackboxExporter(BlackboxProperties properties, BlackboxModules blackboxModules,
			BlackboxProbers blackboxProbers, ObjectProvider<ExporterAccess> access,
			ObjectProvider<PrometheusMeterRegistry> registry) {
		AtomicReference<BlackboxExporter> made = new AtomicReference<>();
		SelfMetrics metrics = new SelfMetrics(blackboxModules, made::get, registry.getIfAvailable());
		// The service always has the security configuration's check; a slice without it is open.
		BlackboxExporter exporter = new BlackboxExporter(blackboxModules::current, blackboxProbers::forLoop,
				blackboxModules::reload, properties.maxInFlight(), properties.timeoutOffset(),
				access.getIfAvailable(() -> ExporterAccess.OPEN),
				new ExporterPages(properties.effectiveRoutePrefix(), metrics::text),
				new OperatorPages(properties.historyLimit(), Level.valueOf(properties.logProber().toUpperCase(Locale.ROOT))));
		made.set(exporter);
		return exporter;
	}

	/** With a blackbox listener, the {@code /probe} path warmed once the application is ready ({@code asyncore.blackbox.warm-up}). */
	@Bean
	BlackboxWarmUp blackboxWarmUp(BlackboxProperties properties, AsyncoreProperties asyncore, BlackboxModules blackboxModules,
			BlackboxProbers blackboxProbers) {
		boolean served = asyncore.listeners().stream().anyMatch(listener -> "blackbox".equals(listener.type()));
		return new BlackboxWarmUp(blackboxModules, blackboxProbers, properties.warmUp() && served);
	}

	/**
	 * {@code blackbox}: each connection is a small HTTP/1.1 server answering blackbox_exporter's API,
	 * with the request deadlines; a full listener closes its longest-waiting connection that answers
	 * nothing ({@link ExporterAdmission}, one per listener) to let a new one in.
	 */
	@Bean
	DispatcherFactory blackboxDispatcherFactory(BlackboxExporter blackboxExporter, BlackboxProperties properties) {
		RequestDeadlines deadlines = new RequestDeadlines(properties.requestHeadTimeout(), properties.requestBodyTimeout());
		Map<String, ExporterAdmission> admissions = new ConcurrentHashMap<>();
		return new DispatcherFactory() {

			@Override
			public String type() {
				return "blackbox";
			}

			@Override
			public Dispatcher accepted(Reactor reactor, SocketChannel channel, ListenerProperties listener) {
				return new ExporterConnection(reactor, channel, blackboxExporter, deadlines, overflow(listener));
			}

			@Override
			public ExporterAdmission overflow(ListenerProperties listener) {
				return admissions.computeIfAbsent(listener.name(), (name) -> new ExporterAdmission());
			}

		};
	}

	/** The probers (and one fetcher) of each loop, made on first use. Thread-safe. */
	public static final class BlackboxProbers implements AutoCloseable {

		private final FetchPolicy policy;

		private final Resolver resolver;

		private final ProbeMemory memory;

		private final Map<Reactor, ProberLookup> probers = new ConcurrentHashMap<>();

		private final Map<Reactor, Fetcher> fetchers = new ConcurrentHashMap<>();

		/** Name look-ups of the tcp and udp probers, off every loop (the http prober's go through its fetcher). */
		private final ExecutorService lookups;

		BlackboxProbers(FetchPolicy policy, Resolver resolver, ProbeMemory memory) {
			this.policy = policy;
			this.resolver = resolver;
			this.memory = memory;
			ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
					task -> {
						Thread thread = new Thread(task, "blackbox-resolver");
						thread.setDaemon(true);
						return thread;
					});
			pool.allowCoreThreadTimeOut(true);
			this.lookups = pool;
		}

		public FetchPolicy policy() {
			return this.policy;
		}

		/** What the probes of every loop hold, against its bound. */
		public ProbeMemory memory() {
			return this.memory;
		}

		/**
		 * The probers of {@code reactor}'s loop (the table's, {@link Probers#standard()}), by the name a
		 * module's {@code prober:} gives.
		 */
		public ProberLookup forLoop(Reactor reactor) {
			return this.probers.computeIfAbsent(reactor, r -> {
				Fetcher fetcher = Fetcher.builder(r).policy(this.policy).resolver(this.resolver).build();
				this.fetchers.put(r, fetcher);
				return Probers.standard()
					.forLoop(new ProberContext(r, fetcher, this.policy, this.resolver, this.lookups, this.memory));
			});
		}

		/**
		 * Probers for the warm-up's own loop ({@link dev.asyncore.probe.exporter.ExporterWarmUp}):
		 * loopback allowed, whatever the policy of the serving loops, and a fetcher and memory bound of
		 * their own, so that nothing the serving loops count or hold changes. Look-ups run on this
		 * object's pool, the fetcher's too: a fetcher that made its own would leave its threads behind,
		 * as nothing closes it (the warm-up closes its loop, and the pooled connections with it).
		 */
		public Function<Reactor, ProberLookup> forWarmUp() {
			FetchPolicy loopback = FetchPolicy.builder().allowPrivateNetworks(true).build();
			Map<Reactor, ProberLookup> made = new ConcurrentHashMap<>();
			return reactor -> made.computeIfAbsent(reactor, r -> {
				Fetcher fetcher = Fetcher.builder(r).policy(loopback).resolver(this.resolver).resolverExecutor(this.lookups).build();
				return Probers.standard()
					.forLoop(new ProberContext(r, fetcher, loopback, this.resolver, this.lookups,
							new ProbeMemory(ProbeMemory.defaultMax())));
			});
		}

		@Override
		public void close() {
			this.fetchers.values().forEach(Fetcher::close);
			this.lookups.shutdownNow();
		}

	}

}
