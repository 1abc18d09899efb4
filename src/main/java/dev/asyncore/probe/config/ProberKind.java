package dev.asyncore.probe.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * What the module file knows of one prober: the name a module's {@code prober:} gives (also the key
 * of its section), how that section is read into the prober's options, and the modules every file
 * has. It is the typed key of a {@link Module}'s options: {@code module.options(HttpOptions.KIND)}.
 * Each prober package defines one instance next to its options record; the table of probers
 * ({@code dev.asyncore.probe.probers.Probers}) hands them to {@link ModuleFile}, which imports no
 * prober. Immutable; any thread.
 *
 * <pre>{@code
 * public static final ProberKind<ToyOptions> KIND = ProberKind.of("toy", ToyOptions::parse)
 *     .withDefaultModule("toy_default", "prober: toy\ntimeout: 5s\n");
 * }</pre>
 *
 * @param <O> the prober's options record
 */
public final class ProberKind<O> {

	/** Reads a prober's section into its options, strictly: it calls {@link YamlSection#finish()}. */
	@FunctionalInterface
	public interface Parser<O> {

		/**
		 * @param section the prober's section; empty, and not {@link YamlSection#present() present},
		 * when the module has none (then the options are the prober's defaults)
		 * @param files resolves and reads the {@code *_file} options
		 * @throws ModuleConfigException naming the key at fault
		 */
		O parse(YamlSection section, ModuleFiles files);

	}

	/** Loads what the options name (TLS material), once the module they belong to passed its checks. */
	@FunctionalInterface
	public interface Loader<O> {

		/**
		 * @param key the dotted path of the prober's section, such as {@code modules.web.http}, for errors
		 * @return the options with what was loaded; blocking file I/O is allowed here
		 * @throws ModuleConfigException naming the file that cannot be used
		 */
		O load(O options, String key);

	}

	private final String name;

	private final Parser<O> parser;

	private final Loader<O> loader;

	private final Map<String, String> defaultModules;

	private final boolean checkedInOtherModules;

	private final BiFunction<O, String, O> hostname;

	private ProberKind(String name, Parser<O> parser, Loader<O> loader, Map<String, String> defaultModules,
			boolean checkedInOtherModules) {
		this(name, parser, loader, defaultModules, checkedInOtherModules, (options, host) -> options);
	}

	private ProberKind(String name, Parser<O> parser, Loader<O> loader, Map<String, String> defaultModules,
			boolean checkedInOtherModules, BiFunction<O, String, O> hostname) {
		this.name = Objects.requireNonNull(name);
		this.parser = Objects.requireNonNull(parser);
		this.loader = Objects.requireNonNull(loader);
		this.defaultModules = Collections.unmodifiableMap(defaultModules);
		this.checkedInOtherModules = checkedInOtherModules;
		this.hostname = Objects.requireNonNull(hostname);
	}

	/** The prober called {@code name}, whose section {@code parser} reads. */
	public static <O> ProberKind<O> of(String name, Parser<O> parser) {
		return new ProberKind<>(name, parser, (options, key) -> options, new LinkedHashMap<>(), true);
	}

	/** This kind, with {@code loader} run on a module's options once the module was read. */
	public ProberKind<O> loading(Loader<O> loader) {
		return new ProberKind<>(this.name, this.parser, loader, new LinkedHashMap<>(this.defaultModules),
				this.checkedInOtherModules, this.hostname);
	}

	/** This kind, with a module every file has unless it defines one of that name; {@code yaml} is its body. */
	public ProberKind<O> withDefaultModule(String module, String yaml) {
		Map<String, String> modules = new LinkedHashMap<>(this.defaultModules);
		modules.put(module, yaml);
		return new ProberKind<>(this.name, this.parser, this.loader, modules, this.checkedInOtherModules, this.hostname);
	}

	/**
	 * This kind, with its section allowed and left unread in another prober's module (by default such
	 * a section is read strictly and then dropped, as blackbox_exporter reads every section present).
	 */
	public ProberKind<O> uncheckedInOtherModules() {
		return new ProberKind<>(this.name, this.parser, this.loader, new LinkedHashMap<>(this.defaultModules), false,
				this.hostname);
	}

	/**
	 * This kind, with what {@code /probe?hostname=} does to its options (blackbox_exporter: the Host
	 * header and TLS server name of http, the TLS {@code server_name} of tcp); by default nothing.
	 * @param hostname the options for one probe with that host name; throws
	 * {@link IllegalArgumentException} when the module contradicts it
	 */
	public ProberKind<O> withHostname(BiFunction<O, String, O> hostname) {
		return new ProberKind<>(this.name, this.parser, this.loader, new LinkedHashMap<>(this.defaultModules),
				this.checkedInOtherModules, hostname);
	}

	/** {@code http}, {@code tcp}...: the value of {@code prober:} and the key of the section. */
	public String name() {
		return this.name;
	}

	/** Modules every file has unless it defines them, by name, with their YAML. */
	public Map<String, String> defaultModules() {
		return this.defaultModules;
	}

	/** Whether this prober's section in another prober's module is read strictly (else it is left unread). */
	public boolean checkedInOtherModules() {
		return this.checkedInOtherModules;
	}

	O parse(YamlSection section, ModuleFiles files) {
		return this.parser.parse(section, files);
	}

	O hostname(O options, String hostname) {
		return this.hostname.apply(options, hostname);
	}

	O load(O options, String key) {
		return this.loader.load(options, key);
	}

	@Override
	public String toString() {
		return "prober " + this.name;
	}

}
