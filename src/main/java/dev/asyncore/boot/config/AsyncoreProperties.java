package dev.asyncore.boot.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The service's configuration under asyncore: the reactor and the listeners it serves.
 * Immutable; bound once at startup. Each record's constructor checks its fields, ListenerRules
 * and ProbeRules the list items and the rules that span them (unique names and ports, TLS needs a
 * bundle), all while binding, so a bad file fails startup with a message naming the property, the
 * value and what is allowed. Binding is strict: a key under asyncore that is no component of these
 * records fails startup too (StrictBinding), so adding a key means adding a component with its
 * Javadoc, and nothing else.
 *
 * @param reactor the event loop
 * @param listeners the TCP and UDP listeners to open, each with its own metrics tag
 * @param fetch the fetch service: policy of /fetch and the probes, concurrency limit
 * @param probes URLs fetched on a schedule, reported as asyncore.probe.* meters
 */
@ConfigurationProperties("asyncore")
public record AsyncoreProperties(@DefaultValue ReactorProperties reactor,
		@DefaultValue List<ListenerProperties> listeners, @DefaultValue @NestedConfigurationProperty FetchProperties fetch,
		@DefaultValue List<ProbeProperties> probes) {

	public AsyncoreProperties {
		listeners = List.copyOf(listeners);
		probes = List.copyOf(probes);
		ListenerRules.check(listeners);
		ProbeRules.check(probes);
	}

	/**
	 * The reactor: one loop thread that owns every listener and connection (asyncore's model), or
	 * several, the first accepting and handing connections to all of them in turn.
	 *
	 * @param threadName name of the loop thread; also the reactor tag of the loop meters
	 * (further loops add -1, -2... to it)
	 * @param shutdownGrace on shutdown, how long connections may go on and flush their pending
	 * output before they are closed
	 * @param stallTimeout health is DOWN when a loop has not completed a pass for this long
	 * @param threads number of loop threads; 1 (the default) is asyncore's single loop
	 * @param maxBufferedBytes output all connections of one loop may hold queued; near it the largest
	 * queues stop reading (see MemoryBudget); unset: half of the JVM's direct-memory limit
	 * @param overBudgetTimeout a connection that holds more than its share of a full budget for this
	 * long is closed, counted in asyncore.evictions
	 */
	public record ReactorProperties(@DefaultValue("asyncore-reactor") String threadName,
			@DefaultValue("10s") Duration shutdownGrace,
			@DefaultValue("30s") Duration stallTimeout, @DefaultValue("1") int threads,
			DataSize maxBufferedBytes, @DefaultValue("30s") Duration overBudgetTimeout) {

		private static final String PREFIX = "asyncore.reactor.";

		public ReactorProperties {
			Required.text(PREFIX + "thread-name", threadName);
			Required.present(PREFIX + "shutdown-grace", shutdownGrace, Required.DURATION);
			Required.present(PREFIX + "stall-timeout", stallTimeout, Required.DURATION);
			Required.present(PREFIX + "over-budget-timeout", overBudgetTimeout, Required.DURATION);
			if (threads < 1) {
				throw new InvalidConfigurationException("asyncore.reactor.threads", "must be at least 1, was " + threads);
			}
			ListenerRules.requireNotNegative("asyncore.reactor.shutdown-grace", shutdownGrace);
			if (maxBufferedBytes != null && maxBufferedBytes.toBytes() < 128 * 1024) {
				throw new InvalidConfigurationException("asyncore.reactor.max-buffered-bytes",
						"must be at least 128KB, was " + maxBufferedBytes);
			}
			if (overBudgetTimeout.toMillis() < 1) {
				throw new InvalidConfigurationException("asyncore.reactor.over-budget-timeout",
						"must be positive, was " + overBudgetTimeout);
			}
			if (stallTimeout.toMillis() < 100) {
				throw new InvalidConfigurationException("asyncore.reactor.stall-timeout",
						"must be at least 100ms, was " + stallTimeout);
			}
		}

	}

	/** Transport protocol of a listener. */
	public enum Protocol {

		/** A listening stream socket; each accepted connection gets its own dispatcher. */
		TCP,

		/** One datagram socket; there are no connections. */
		UDP,

		/** A listening Unix-domain (AF_UNIX) stream socket at {@code path}; connections as with TCP. */
		UNIX

	}

	/**
	 * One listener.
	 *
	 * @param name unique name; the listener tag on every meter of this listener
	 * @param type what it serves: echo, discard, or the type of any
	 * DispatcherFactory bean
	 * @param protocol transport protocol: tcp, udp or unix
	 * @param host address to bind: 127.0.0.1 for loopback only, 0.0.0.0 for every
	 * interface
	 * @param port port to bind; 0 picks a free ephemeral port, shown in the log and the
	 * reactor endpoint
	 * @param backlog length of the kernel's queue of connections not yet accepted (TCP)
	 * @param maxConnections open connections above which new ones are accepted and closed at once,
	 * counted as rejected; 0 for no limit (TCP)
	 * @param idleTimeout a connection that moves no byte for this long is closed, counted as
	 * timeout; 0 for never (TCP)
	 * @param writeHighWaterMark reading from a peer pauses while this much output to it waits to be
	 * written, so a peer that never reads cannot grow the server's memory (TCP)
	 * @param tls TLS for the connections of this listener (TCP)
	 * @param path file of a unix listener's socket (instead of host and port); it must not
	 * exist, and is removed when the listener closes
	 * @param sendBufferSize the kernel send buffer (SO_SNDBUF) of each connection; unset leaves the
	 * kernel's autotuning, which lets up to 4 MiB per connection wait in the kernel (TCP)
	 */
	public record ListenerProperties(String name, @DefaultValue("echo") String type,
			@DefaultValue("tcp") Protocol protocol, @DefaultValue("127.0.0.1") String host,
			int port, @DefaultValue("1024") int backlog,
			@DefaultValue("10000") int maxConnections, @DefaultValue("5m") Duration idleTimeout,
			@DefaultValue("1MB") DataSize writeHighWaterMark, @DefaultValue TlsProperties tls,
			String path, DataSize sendBufferSize) {
	}

	/**
	 * TLS on a TCP listener, its key and certificate taken from a Spring Boot SSL bundle
	 * (spring.ssl.bundle.pem.NAME or spring.ssl.bundle.jks.NAME). The bundle's options.ciphers and
	 * options.enabled-protocols override the safe defaults (TLS 1.2 and 1.3, AEAD suites only); with
	 * reload-on-update, a changed certificate serves new connections without a restart.
	 *
	 * @param enabled whether connections are TLS; requires bundle
	 * @param bundle name of the SSL bundle holding the server's key and certificate chain
	 */
	public record TlsProperties(@DefaultValue("false") boolean enabled, String bundle) {
	}

}
