package dev.asyncore.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.YamlSection;

/**
 * blackbox_exporter's module file ({@code blackbox.yml}): {@code modules: {name: {prober, timeout,
 * http: {...}, tcp: {...}, udp: {...}}}}, read strictly. Every error names its key; an option blackbox_exporter has and this
 * service does not is an error too, never ignored. Immutable once read; any thread.
 *
 * <pre>{@code
 * ModuleFile modules = ModuleFile.read(Path.of("blackbox.yml"));
 * Module web = modules.module("http_2xx");
 * }</pre>
 */
public final class ModuleFile {

	/** The module every exporter has, as blackbox_exporter's example file defines it. */
	public static final String DEFAULT_MODULE = "http_2xx";

	/** blackbox_exporter's probers that this service does not have; their sections are allowed, unread. */
	private static final Set<String> OTHER_PROBERS = Set.of("icmp", "grpc");

	private final Map<String, Module> modules;

	private ModuleFile(Map<String, Module> modules) {
		this.modules = Collections.unmodifiableMap(modules);
	}

	/** The module for plain TCP connects, as blackbox_exporter's example file defines it. */
	public static final String TCP_MODULE = "tcp_connect";

	/**
	 * The default modules: {@code http_2xx} and {@code tcp_connect} (an http probe and a TCP connect
	 * with blackbox_exporter's defaults and a 5 s timeout, as in its example file) and
	 * {@code dns_udp} ({@link DnsProbe#DEFAULT_MODULE_YAML}).
	 */
	public static ModuleFile defaults() {
		return parse("modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n"
				+ "  tcp_connect:\n    prober: tcp\n    timeout: 5s\n", null);
	}

	/** Reads a file; relative {@code *_file} paths in it are relative to the file's directory. Blocking I/O. */
	public static ModuleFile read(Path file) throws IOException {
		return parse(Files.readString(file, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
	}

	/**
	 * Parses module-file text; {@code http_2xx}, {@code tcp_connect} and {@code dns_udp} are added
	 * if the file does not define them.
	 * @param base directory that relative {@code *_file} paths are resolved against, or {@code null}
	 * @throws ModuleConfigException naming the key at fault
	 */
	public static ModuleFile parse(String yaml, Path base) {
		Object document;
		try {
			document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
		}
		catch (YAMLException ex) {
			throw new ModuleConfigException("(file)", "is not valid YAML: " + ex.getMessage().lines().findFirst().orElse(""));
		}
		YamlSection root = YamlSection.of("", document);
		YamlSection modulesSection = root.section("modules");
		root.finish();
		Map<String, Module> modules = new LinkedHashMap<>();
		ModuleFiles files = ModuleFiles.relativeTo(base);
		for (String name : modulesSection.keys()) {
			modules.put(name, module(name, YamlSection.of("modules." + name, modulesSection.raw(name)), files));
		}
		if (!modules.containsKey(DEFAULT_MODULE)) {
			modules.put(DEFAULT_MODULE, Module.of(DEFAULT_MODULE, Duration.ofSeconds(5), HttpProbe.DEFAULT,
					"prober: http\ntimeout: 5s\n"));
		}
		if (!modules.containsKey(TCP_MODULE)) {
			modules.put(TCP_MODULE, Module.tcp(TCP_MODULE, Duration.ofSeconds(5), TcpProbe.DEFAULT,
					"prober: tcp\ntimeout: 5s\n"));
		}
		if (!modules.containsKey(DnsProbe.DEFAULT_MODULE)) {
			modules.put(DnsProbe.DEFAULT_MODULE, module(DnsProbe.DEFAULT_MODULE, YamlSection.of("modules." + DnsProbe.DEFAULT_MODULE,
					new Yaml(new SafeConstructor(new LoaderOptions())).load(DnsProbe.DEFAULT_MODULE_YAML)), files));
		}
		return new ModuleFile(modules);
	}

	private static Module module(String name, YamlSection s, ModuleFiles files) {
		if (name.isBlank()) {
			throw new ModuleConfigException(s.path(), "a module needs a name");
		}
		String prober = s.string("prober", null);
		if (prober == null) {
			throw new ModuleConfigException(s.key("prober"), "is required (http, tcp, udp or dns)");
		}
		if (OTHER_PROBERS.contains(prober)) {
			throw new ModuleConfigException(s.key("prober"), "prober '" + prober
					+ "' is a blackbox_exporter prober this service does not support yet; use http, tcp, udp or dns");
		}
		if (!Set.of("http", "tcp", "udp", "dns").contains(prober)) {
			throw new ModuleConfigException(s.key("prober"), "unknown prober '" + prober + "'; use http, tcp, udp or dns");
		}
		Duration timeout = s.duration("timeout", Duration.ZERO);
		if (timeout.isNegative()) {
			throw new ModuleConfigException(s.key("timeout"), "must not be negative");
		}
		// every section present is read strictly, as blackbox_exporter does, though only the prober's is used
		HttpProbe http = HttpProbe.parse(s.section("http"), files);
		TcpProbe tcp = (prober.equals("tcp") || s.has("tcp")) ? TcpProbe.parse(s.section("tcp"), files) : null;
		UdpProbe udp = (prober.equals("udp") || s.has("udp")) ? UdpProbe.parse(s.section("udp")) : null;
		DnsProbe dns = prober.equals("dns") ? DnsProbe.parse(s.section("dns"), s.has("dns") && s.raw("dns") != null,
				files) : null;
		if (dns == null && s.has("dns")) {
			Object ignored = s.raw("dns"); // another prober's section is allowed, as blackbox_exporter allows it
		}
		for (String other : OTHER_PROBERS) {
			if (s.has(other)) {
				Object ignored = s.raw(other); // another prober's section is allowed, as blackbox_exporter allows it
			}
		}
		String text = dump(s);
		s.finish();
		return switch (prober) {
			case "tcp" -> Module.tcp(name, timeout, tcp, text);
			case "udp" -> Module.udp(name, timeout, udp, text);
			case "dns" -> Module.dns(name, timeout, dns, text);
			default -> Module.of(name, timeout, http, text);
		};
	}

	private static String dump(YamlSection s) {
		Map<String, Object> raw = new LinkedHashMap<>();
		for (String key : s.keys()) {
			raw.put(key, s.raw(key));
		}
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		return new Yaml(new Representer(options), options).dump(raw);
	}

	/** The module named {@code name}, or {@code null}. */
	public Module module(String name) {
		return this.modules.get(name);
	}

	/** Every module by name, in file order. */
	public Map<String, Module> modules() {
		return this.modules;
	}

}
