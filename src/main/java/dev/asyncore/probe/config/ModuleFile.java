package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * blackbox_exporter's module file ({@code blackbox.yml}): {@code modules: {name: {prober, timeout,
 * http: {...}, tcp: {...}, ...}}}, read strictly. Every error names its key. A prober or option
 * blackbox_exporter has and this service does not loads, never ignored: the module is
 * {@link Module#unavailable() unavailable} and each of its probes fails saying why. Files a module
 * names that cannot be read yet leave it {@link Module#pending() pending}: each probe reads them. Which probers
 * exist, and how each reads its section, is the {@link ProberKind} list it is given (the table in
 * {@code dev.asyncore.probe.probers}); this class knows no prober. Immutable once read; any thread.
 *
 * <pre>{@code
 * ModuleFile modules = ModuleFile.read(Path.of("blackbox.yml"), Probers.standard().kinds());
 * HttpOptions web = modules.module("http_2xx").options(HttpOptions.KIND);
 * }</pre>
 */
public final class ModuleFile {

	/** The module a probe without {@code module=} uses, as blackbox_exporter's example file defines it. */
	public static final String DEFAULT_MODULE = "http_2xx";

	private final Map<String, Module<?>> modules;

	private ModuleFile(Map<String, Module<?>> modules) {
		this.modules = Collections.unmodifiableMap(modules);
	}

	/** Only the probers' default modules (for the standard table: {@code http_2xx}, {@code tcp_connect}, {@code dns_udp}). */
	public static ModuleFile defaults(List<ProberKind<?>> kinds) {
		return parse("modules: {}\n", null, kinds);
	}

	/** Reads a file; relative {@code *_file} paths in it are relative to the file's directory. Blocking I/O. */
	public static ModuleFile read(Path file, List<ProberKind<?>> kinds) throws IOException {
		return parse(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent(), kinds);
	}

	/**
	 * Parses module-file text; each prober's default modules are added if the file does not define
	 * them. Reads the files its options name (blocking I/O).
	 * @param base directory that relative {@code *_file} paths are resolved against, or {@code null}
	 * @param kinds the probers a module may name, in the order messages list them
	 * @throws ModuleConfigException naming the key at fault
	 */
	public static ModuleFile parse(String yaml, Path base, List<ProberKind<?>> kinds) {
		YamlSection root = YamlSection.of("", load(yaml));
		YamlSection modulesSection = root.section("modules");
		root.finish();
		Map<String, Module<?>> modules = new LinkedHashMap<>();
		ModuleFiles files = ModuleFiles.relativeTo(base);
		for (String name : modulesSection.keys()) {
			modules.put(name, module(name, YamlSection.of("modules." + name, modulesSection.raw(name)), files, kinds));
		}
		for (ProberKind<?> kind : kinds) {
			kind.defaultModules().forEach((name, body) -> {
				if (!modules.containsKey(name)) {
					modules.put(name, module(name, YamlSection.of("modules." + name, load(body)), files, kinds));
				}
			});
		}
		return new ModuleFile(modules);
	}

	private static Object load(String yaml) {
		try {
			return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
		}
		catch (YAMLException ex) {
			throw new ModuleConfigException("(file)", "is not valid YAML: " + ex.getMessage().lines().findFirst().orElse(""));
		}
	}

	private static Module<?> module(String name, YamlSection s, ModuleFiles files, List<ProberKind<?>> kinds) {
		if (name.isBlank()) {
			throw new ModuleConfigException(s.path(), "a module needs a name");
		}
		String names = names(kinds);
		String prober = s.string("prober", null);
		if (prober == null) {
			throw new ModuleConfigException(s.key("prober"), "is required (" + names + ")");
		}
		ProberKind<?> kind = kinds.stream().filter(k -> k.name().equals(prober)).findFirst().orElse(null);
		String unavailable = null;
		if (kind == null && OtherProbers.KEYS.containsKey(prober)) {
			kind = OtherProbers.kind(prober);
			unavailable = OtherProbers.reason(prober);
		}
		if (kind == null) {
			throw new ModuleConfigException(s.key("prober"), "unknown prober '" + prober + "'; use " + names);
		}
		Duration timeout = s.duration("timeout", Duration.ZERO);
		if (timeout.isNegative()) {
			throw new ModuleConfigException(s.key("timeout"), "must not be negative");
		}
		return module(name, kind, timeout, s, files, kinds, unavailable);
	}

	/**
	 * Reads a module; a file it names that cannot be read leaves it pending (read again by each probe
	 * until it can be), as blackbox_exporter reads such files only when a probe needs them.
	 */
	private static <O> Module<O> module(String name, ProberKind<O> kind, Duration timeout, YamlSection s,
			ModuleFiles files, List<ProberKind<?>> kinds, String unavailable) {
		Object raw = s.raw(kind.name());
		FileProblems lenient = new FileProblems(files);
		O options = null;
		// every section present is read strictly, as blackbox_exporter does, though only the prober's is used
		for (ProberKind<?> each : kinds) {
			if (each == kind) {
				options = kind.parse(s.section(kind.name()), lenient);
			}
			else if (s.has(each.name()) && each.checkedInOtherModules()) {
				each.parse(s.section(each.name()), lenient);
			}
			else if (s.has(each.name())) {
				Object ignored = s.raw(each.name()); // another prober's section is allowed, as blackbox_exporter allows it
			}
		}
		if (options == null) {
			options = kind.parse(s.section(kind.name()), lenient); // a prober of OtherProbers
		}
		for (String other : OtherProbers.KEYS.keySet()) {
			if (s.has(other)) {
				Object ignored = s.raw(other); // a prober this service lacks: its section is allowed, unread
			}
		}
		s.finish();
		List<String> unimplemented = s.unimplemented();
		if (unavailable == null && !unimplemented.isEmpty()) {
			unavailable = "blackbox_exporter option" + ((unimplemented.size() > 1) ? "s " : " ")
					+ String.join("; ", unimplemented) + ((unimplemented.size() > 1) ? " are" : " is")
					+ " not implemented by this service";
		}
		if (lenient.problem == null) {
			try {
				return new Module<>(name, kind, timeout, kind.load(options, s.key(kind.name())), s.masked(), unavailable, null);
			}
			catch (ModuleConfigException ex) {
				lenient.problem = ex; // the TLS material: read again by each probe, as for the other files
			}
		}
		Map<String, Object> section = Map.of(kind.name(), (raw != null) ? raw : Map.of());
		String path = s.path();
		Supplier<Module<O>> pending = memoized(() -> {
			YamlSection again = YamlSection.of(path, section);
			O strict = kind.parse(again.section(kind.name()), files);
			return new Module<>(name, kind, timeout, kind.load(strict, again.key(kind.name())), s.masked(), null, null);
		});
		return new Module<>(name, kind, timeout, options, s.masked(), unavailable, pending);
	}

	/** The first success of {@code reader}, kept; a failure is thrown and tried again next time. Thread-safe. */
	private static <T> Supplier<T> memoized(Supplier<T> reader) {
		AtomicReference<T> done = new AtomicReference<>();
		return () -> {
			T value = done.get();
			if (value == null) {
				value = reader.get();
				done.compareAndSet(null, value);
			}
			return value;
		};
	}

	/** {@link ModuleFiles} that remembers the first file it cannot read instead of failing the parse. */
	private static final class FileProblems implements ModuleFiles {

		private final ModuleFiles files;

		private ModuleConfigException problem;

		FileProblems(ModuleFiles files) {
			this.files = files;
		}

		@Override
		public String read(String key, String path) {
			try {
				return this.files.read(key, path);
			}
			catch (ModuleConfigException ex) {
				this.problem = (this.problem != null) ? this.problem : ex;
				return "";
			}
		}

		@Override
		public Path path(String path) {
			return this.files.path(path);
		}

	}

	/** {@code http, tcp, udp or dns}. */
	private static String names(List<ProberKind<?>> kinds) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < kinds.size(); i++) {
			text.append((i == 0) ? "" : (i == kinds.size() - 1) ? " or " : ", ").append(kinds.get(i).name());
		}
		return text.toString();
	}

	/** The module named {@code name}, or {@code null}. */
	public Module<?> module(String name) {
		return this.modules.get(name);
	}

	/**
	 * The modules that cannot be probed as they are, by name, with why: those of a prober or option
	 * not implemented here (each probe fails), and those whose files cannot be read yet (each probe
	 * reads them again). What the log warns of when the file is loaded.
	 */
	public Map<String, String> unavailable() {
		Map<String, String> unavailable = new LinkedHashMap<>();
		this.modules.forEach((name, module) -> {
			if (module.unavailable() != null) {
				unavailable.put(name, module.unavailable() + "; its probes fail");
			}
			else if (module.pending() != null) {
				try {
					module.withFiles();
				}
				catch (ModuleConfigException ex) {
					unavailable.put(name, ex.getMessage() + "; its probes fail until it can be read");
				}
			}
		});
		return unavailable;
	}

	/** Every module by name, in file order. */
	public Map<String, Module<?>> modules() {
		return this.modules;
	}

}
