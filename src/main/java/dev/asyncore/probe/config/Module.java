package dev.asyncore.probe.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.representer.Representer;

/**
 * One module of a blackbox_exporter module file: a prober and its options. Immutable; any thread.
 *
 * @param name the name used in {@code /probe?module=}
 * @param kind the prober, which also says what {@code options} are
 * @param timeout the longest a probe may take; {@link Duration#ZERO} when the file leaves it out
 * (then the scrape's timeout, at most 120 s, applies)
 * @param options the prober's options, read from its section (its defaults when there is none)
 * @param config the module as the file wrote it, in file order, each {@link Secret} shown as
 * {@code <secret>} ({@link YamlSection#masked()}): what {@code debug=true} and configuration dumps show
 * @param unavailable why no probe of this module can run (a prober or option of blackbox_exporter
 * that is not implemented here), or {@code null}; each probe then fails with this reason
 * @param pending reads the files the module names ({@code ca_file}, {@code password_file}...) when
 * they could not be read as the file loaded, or {@code null}: as blackbox_exporter, a probe reads
 * them when it needs them, and fails naming the file if they still cannot be read
 * @param <O> the prober's options record
 */
public record Module<O>(String name, ProberKind<O> kind, Duration timeout, O options, Map<String, Object> config,
		String unavailable, Supplier<Module<O>> pending) {

	/** blackbox_exporter's fallback when neither the module nor the scrape gives a timeout. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

	public Module {
		Objects.requireNonNull(kind);
		Objects.requireNonNull(options);
		Objects.requireNonNull(config);
	}

	/** A module that can be probed as it is. */
	public Module(String name, ProberKind<O> kind, Duration timeout, O options, Map<String, Object> config) {
		this(name, kind, timeout, options, config, null, null);
	}

	/**
	 * This module for one probe whose {@code /probe} request gave {@code hostname}, as its prober's
	 * kind defines it ({@link ProberKind#withHostname}); itself for an empty one.
	 * @throws IllegalArgumentException when the module contradicts it (a Host header of another value)
	 */
	public Module<O> withHostname(String hostname) {
		if (hostname == null || hostname.isEmpty()) {
			return this;
		}
		Supplier<Module<O>> files = (this.pending == null) ? null : () -> this.pending.get().withHostname(hostname);
		return new Module<>(this.name, this.kind, this.timeout, this.kind.hostname(this.options, hostname), this.config,
				this.unavailable, files);
	}

	/**
	 * This module with the files it names read: itself unless {@link #pending()}. Blocking I/O when
	 * pending, so never on a loop thread.
	 * @throws ModuleConfigException naming the file that still cannot be used
	 */
	public Module<O> withFiles() {
		return (this.pending == null) ? this : this.pending.get();
	}

	/** {@link #config()} as YAML, the "Module configuration" of {@code debug=true}; secrets are {@code <secret>}. */
	public String text() {
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		return new Yaml(new Representer(options), options).dump(this.config);
	}

	/**
	 * The options, if this module is one of {@code kind}'s; else {@code null}.
	 * <pre>{@code
	 * TcpOptions tcp = modules.module("smtp_starttls").options(TcpOptions.KIND);
	 * }</pre>
	 */
	@SuppressWarnings("unchecked") // the same kind means the same options type
	public <T> T options(ProberKind<T> kind) {
		return (this.kind == kind) ? (T) this.options : null;
	}

	/**
	 * The time a probe gets, as blackbox_exporter's {@code getTimeout} computes it: the scrape's
	 * timeout ({@link #DEFAULT_TIMEOUT} when the header is absent or 0) less {@code offset}, unless
	 * the module's own timeout is shorter, or the difference is negative (then the module's timeout,
	 * which may be none). Beyond blackbox_exporter, the result is capped by the module's timeout, or
	 * {@link #DEFAULT_TIMEOUT} without one, so that no header makes a probe run longer.
	 *
	 * <p>blackbox_exporter turns the seconds into a Go {@code time.Duration}: a result that is not a
	 * positive number of nanoseconds below 2<sup>63</sup> (negative, zero, NaN, infinite, or as big as
	 * {@code 1e308} or {@code 9e18}) is a deadline already past, and the probe fails at once. This
	 * method returns {@link Duration#ZERO} for those.
	 * @param scrapeTimeoutSeconds the {@code X-Prometheus-Scrape-Timeout-Seconds} value as Go's
	 * {@code strconv.ParseFloat} reads it (any double), or 0 when the header is absent or empty
	 * @param offset blackbox_exporter's {@code --timeout-offset}
	 * @return the probe's time, at most the cap; {@link Duration#ZERO} when the probe must fail at once
	 */
	public Duration effectiveTimeout(double scrapeTimeoutSeconds, Duration offset) {
		double scrape = (scrapeTimeoutSeconds == 0) ? DEFAULT_TIMEOUT.toSeconds() : scrapeTimeoutSeconds;
		double max = scrape - offset.toNanos() / 1e9;
		double own = this.timeout.toNanos() / 1e9;
		if ((own < max && own > 0) || max < 0) {
			return this.timeout; // Go's condition, NaN comparisons false as there
		}
		double nanos = max * 1e9;
		if (!(nanos >= 1 && nanos < 0x1p63)) {
			return Duration.ZERO; // Go's float-to-Duration conversion: a deadline already past
		}
		Duration budget = Duration.ofNanos((long) nanos);
		Duration cap = this.timeout.isZero() ? DEFAULT_TIMEOUT : this.timeout;
		return (budget.compareTo(cap) > 0) ? cap : budget;
	}

	/** The name and prober only: the options may hold what a log must not show. */
	@Override
	public String toString() {
		return "module " + this.name + " (" + this.kind + ")";
	}

}
