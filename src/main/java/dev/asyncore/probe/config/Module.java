package dev.asyncore.probe.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.representer.Representer;

/**
 * One module of a blackbox_exporter module file: a prober and its options. Immutable; any thread.
 *
 * @param name the name used in {@code /probe?module=}
 * @param kind the prober, which also says what {@code options} are
 * @param timeout the longest a probe may take; {@link Duration#ZERO} when the file leaves it out
 * (then the scrape's timeout, or 120 s, applies)
 * @param options the prober's options, read from its section (its defaults when there is none)
 * @param config the module as the file wrote it, in file order, each {@link Secret} shown as
 * {@code <secret>} ({@link YamlSection#masked()}): what {@code debug=true} and configuration dumps show
 * @param <O> the prober's options record
 */
public record Module<O>(String name, ProberKind<O> kind, Duration timeout, O options, Map<String, Object> config) {

	/** blackbox_exporter's fallback when neither the module nor the scrape gives a timeout. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

	public Module {
		Objects.requireNonNull(kind);
		Objects.requireNonNull(options);
		Objects.requireNonNull(config);
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
	 * The time a probe gets: the scrape's timeout (if the header gave one) less {@code offset},
	 * capped by the module's own timeout, as blackbox_exporter computes it.
	 * @param scrapeTimeoutSeconds the {@code X-Prometheus-Scrape-Timeout-Seconds} value, or a
	 * negative number when absent
	 */
	public Duration effectiveTimeout(double scrapeTimeoutSeconds, Duration offset) {
		Duration budget = DEFAULT_TIMEOUT;
		if (scrapeTimeoutSeconds >= 0) {
			budget = Duration.ofNanos((long) (scrapeTimeoutSeconds * 1e9)).minus(offset);
		}
		if (!this.timeout.isZero() && (this.timeout.compareTo(budget) < 0 || budget.isNegative())) {
			budget = this.timeout;
		}
		return budget;
	}

	/** The name and prober only: the options may hold what a log must not show. */
	@Override
	public String toString() {
		return "module " + this.name + " (" + this.kind + ")";
	}

}
