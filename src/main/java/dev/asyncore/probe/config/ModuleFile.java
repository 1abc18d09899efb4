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
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * blackbox_exporter's module file ({@code blackbox.yml}): {@code modules: {name: {prober, timeout,
 * http: {...}, tcp: {...}, ...}}}, read strictly. Every error names its key; an option
 * blackbox_exporter has and this service does not is an error too, never ignored. Which probers
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

	/**
	 * blackbox_exporter's probers that this service does not have (unless the table given has them):
	 * {@code prober:} naming one is refused, their sections are allowed, unread.
	 */
	private static final Set<String> OTHER_PROBERS = Set.of("icmp", "grpc");

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
		if (kind == null && OTHER_PROBERS.contains(prober)) {
			throw new ModuleConfigException(s.key("prober"), "prober '" + prober
					+ "' is a blackbox_exporter prober this service does not support yet; use " + names);
		}
		if (kind == null) {
			throw new ModuleConfigException(s.key("prober"), "unknown prober '" + prober + "'; use " + names);
		}
		Duration timeout = s.duration("timeout", Duration.ZERO);
		if (timeout.isNegative()) {
			throw new ModuleConfigException(s.key("timeout"), "must not be negative");
		}
		return module(name, kind, timeout, s, files, kinds);
	}

	private static <O> Module<O> module(String name, ProberKind<O> kind, Duration timeout, YamlSection s,
			ModuleFiles files, List<ProberKind<?>> kinds) {
		O options = null;
		// every section present is read strictly, as blackbox_exporter does, though only the prober's is used
		for (ProberKind<?> each : kinds) {
			if (each == kind) {
				options = kind.parse(s.section(kind.name()), files);
			}
			else if (s.has(each.name()) && each.checkedInOtherModules()) {
				each.parse(s.section(each.name()), files);
			}
			else if (s.has(each.name())) {
				Object ignored = s.raw(each.name()); // another prober's section is allowed, as blackbox_exporter allows it
			}
		}
		for (String other : OTHER_PROBERS) {
			if (s.has(other)) {
				Object ignored = s.raw(other); // a prober this service lacks: its section is allowed, unread
			}
		}
		s.finish();
		return new Module<>(name, kind, timeout, kind.load(options, s.key(kind.name())), s.masked());
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

	/** Every module by name, in file order. */
	public Map<String, Module<?>> modules() {
		return this.modules;
	}

}
