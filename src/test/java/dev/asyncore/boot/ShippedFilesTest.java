package dev.asyncore.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped files agree with each other: the Kubernetes manifests, the Dockerfile, the Prometheus
 * scrape configuration and the container's {@code config/application.yml} name the same ports, the
 * same module file and the same credentials; the docs name the same built-in modules as the code.
 * {@code src/test/e2e/shipped-config-e2e.sh} then runs them together (Prometheus, promtool).
 */
class ShippedFilesTest {

	private static final Path CONFIG = Path.of("config");

	/** The container file's port placeholders and their defaults: {@code port: ${NAME:default}}. */
	private static final Pattern PORT_DEFAULT = Pattern.compile("port:\\s*\\$\\{([A-Z0-9_]+):(\\d+)}");

	@Test
	void whenTheDeploymentDeclaresAContainerPortThenTheNetworkPolicyAdmitsItAndTheBlackboxPortOnlyFromPrometheus()
			throws IOException {
		Map<String, Object> policy = yaml(CONFIG.resolve("kubernetes/networkpolicy.yaml"));
		List<Map<String, Object>> ingress = list(map(policy, "spec"), "ingress");
		for (Map<String, Object> port : containerPorts()) {
			String key = port.get("containerPort") + "/" + port.getOrDefault("protocol", "TCP");
			assertThat(ingress.stream().anyMatch((rule) -> admits(rule, key))).as("ingress admits " + key).isTrue();
		}
		for (String guarded : List.of("9090/TCP", "9115/TCP")) {
			assertThat(ingress.stream().filter((rule) -> admits(rule, guarded)))
				.as(guarded + " only from Prometheus")
				.isNotEmpty()
				.allSatisfy((rule) -> assertThat(rule.toString()).contains("from=", "prometheus"));
		}
	}

	@Test
	void whenTheKustomizationIsAppliedThenThePodsMountConfigBlackboxYmlWhereTheContainerFileReadsIt()
			throws IOException {
		Map<String, Object> kustomization = yaml(CONFIG.resolve("kustomization.yaml"));
		for (Object resource : values(kustomization, "resources")) {
			assertThat(CONFIG.resolve(resource.toString())).as("resource").isRegularFile();
		}
		Map<String, Object> generator = list(kustomization, "configMapGenerator").get(0);
		assertThat(generator.get("files")).asList().contains("blackbox.yml");
		assertThat(CONFIG.resolve("blackbox.yml")).isRegularFile();

		Map<String, Object> pod = map(map(map(yaml(CONFIG.resolve("kubernetes/deployment.yaml")), "spec"), "template"),
				"spec");
		Map<String, Object> volume = list(pod, "volumes").stream()
			.filter((v) -> v.containsKey("configMap"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no configMap volume in deployment.yaml"));
		assertThat(map(volume, "configMap")).containsEntry("name", generator.get("name"));
		Map<String, Object> container = list(pod, "containers").get(0);
		Map<String, Object> mount = list(container, "volumeMounts").stream()
			.filter((m) -> volume.get("name").equals(m.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("the module file volume is not mounted"));
		String moduleFile = mount.get("mountPath") + "/blackbox.yml";
		String variable = list(container, "env").stream()
			.filter((e) -> moduleFile.equals(e.get("value")))
			.map((e) -> e.get("name").toString())
			.findFirst()
			.orElseThrow(() -> new AssertionError("no environment variable points at " + moduleFile));

		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withPropertyValues(ContainerConfiguration.LOCATION, variable + "=" + moduleFile)
			.run((context) -> assertThat(context.getEnvironment().getProperty("asyncore.blackbox.config-file"))
				.as("config/application.yml's module file, with the deployment's environment")
				.isEqualTo(moduleFile));
	}

	@Test
	void whenTheImageIsBuiltThenItExposesEveryPortOfTheContainerFileAndTheDeployment() throws IOException {
		Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(Files.readString(Path.of("Dockerfile")));
		assertThat(expose.find()).as("the Dockerfile's EXPOSE").isTrue();
		Set<String> exposed = Set.of(expose.group(1).strip().split("\\s+"));
		for (Map<String, Object> port : containerPorts()) {
			String protocol = String.valueOf(port.getOrDefault("protocol", "TCP"));
			assertThat(exposed).contains(port.get("containerPort") + ("UDP".equals(protocol) ? "/udp" : ""));
		}
		Map<String, String> defaults = portDefaults();
		assertThat(exposed).contains(defaults.get("ASYNCORE_BLACKBOX_PORT"), defaults.get("MANAGEMENT_PORT"),
				defaults.get("HTTP_PORT"));
	}

	@Test
	void whenPrometheusRunsAsTheHeaderSaysThenItListensBesideTheManagementPortAndProbesWithCredentialsAndModules()
			throws IOException {
		String text = Files.readString(CONFIG.resolve("prometheus.yml"));
		Map<String, String> defaults = portDefaults();
		Matcher listen = Pattern.compile("#\\s+prometheus --config\\.file=config/prometheus\\.yml[^\\n]*--web\\.listen-address=[^:\\s]*:(\\d+)")
			.matcher(text);
		assertThat(listen.find()).as("the header's command sets --web.listen-address").isTrue();
		assertThat(listen.group(1)).as("Prometheus' own port").isNotIn(defaults.values());

		Map<String, Object> prometheus = yaml(CONFIG.resolve("prometheus.yml"));
		Map<String, Object> asyncore = job(prometheus, "asyncore");
		assertThat(staticTargets(asyncore)).containsExactly("127.0.0.1:" + defaults.get("MANAGEMENT_PORT"));

		Map<String, Object> blackbox = job(prometheus, "blackbox");
		Map<String, Object> authorization = map(blackbox, "authorization");
		assertThat(authorization).as("the blackbox job's credentials").isNotNull();
		assertThat(authorization).containsEntry("type", "Bearer").containsKey("credentials_file");
		assertThat(text).contains("hash-token", "ASYNCORE_SECURITY_TOKEN_HASH",
				"printf %s 'T' > config/" + authorization.get("credentials_file"));
		List<Map<String, Object>> relabel = list(blackbox, "relabel_configs");
		assertThat(relabel).anySatisfy((rule) -> {
			assertThat(rule.get("source_labels")).asList().containsExactly("module");
			assertThat(rule).containsEntry("target_label", "__param_module");
		});
		assertThat(relabel).anySatisfy((rule) -> assertThat(rule).containsEntry("target_label", "__address__")
			.containsEntry("replacement", "127.0.0.1:" + defaults.get("ASYNCORE_BLACKBOX_PORT")));
		Set<String> known = new LinkedHashSet<>(builtInModules());
		known.addAll(map(yaml(CONFIG.resolve("blackbox.yml")), "modules").keySet());
		for (Map<String, Object> group : list(blackbox, "static_configs")) {
			assertThat(map(group, "labels")).as("every target group names its module").containsKey("module");
			assertThat(known).contains(map(group, "labels").get("module").toString());
		}
		assertThat(Files.readString(CONFIG.resolve("alert-rules.yml"))).contains("$labels.module", "up{job=\"blackbox\"} == 0");
	}

	@Test
	void whenADocNamesTheBuiltInModulesThenItNamesExactlyThoseTheCodeBuildsIn() throws IOException {
		List<String> builtIn = builtInModules();
		assertThat(builtIn).containsExactly("http_2xx", "tcp_connect", "dns_udp", "icmp");
		List<Path> docs = new ArrayList<>(List.of(Path.of("README.md"), Path.of("Dockerfile"),
				Path.of("src/main/resources/application.yml"),
				Path.of("src/main/java/dev/asyncore/boot/config/BlackboxProperties.java")));
		try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/docs")), Files.list(CONFIG))) {
			files.filter(Files::isRegularFile).forEach(docs::add);
		}
		Pattern moduleKey = Pattern.compile("^\\s*\\w+:\\s+#");
		int statements = 0;
		for (Path doc : docs) {
			// a statement may wrap: a line with "built" and the next one
			List<String> lines = Files.readAllLines(doc);
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i);
				String statement = line + " " + ((i + 1 < lines.size()) ? lines.get(i + 1) : "");
				if (line.matches("(?i).*(built-in modules|are built in|only the built-in|unset:|empty:).*") && !moduleKey.matcher(line).find()
						&& builtIn.stream().anyMatch(line::contains)) {
					statements++;
					assertThat(statement).as(doc + ":" + (i + 1) + " names every built-in module").contains(builtIn);
				}
			}
		}
		assertThat(statements).as("statements of the built-in modules found").isGreaterThanOrEqualTo(4);
	}

	private static List<String> builtInModules() {
		return List.copyOf(ModuleFile.defaults(Probers.standard().kinds()).modules().keySet());
	}

	private static Map<String, String> portDefaults() throws IOException {
		Matcher port = PORT_DEFAULT.matcher(Files.readString(CONFIG.resolve("application.yml")));
		Map<String, String> defaults = new java.util.LinkedHashMap<>();
		while (port.find()) {
			defaults.put(port.group(1), port.group(2));
		}
		assertThat(defaults).containsKeys("HTTP_PORT", "MANAGEMENT_PORT", "ASYNCORE_BLACKBOX_PORT");
		return defaults;
	}

	private static List<Map<String, Object>> containerPorts() throws IOException {
		Map<String, Object> pod = map(map(map(yaml(CONFIG.resolve("kubernetes/deployment.yaml")), "spec"), "template"),
				"spec");
		List<Map<String, Object>> ports = list(list(pod, "containers").get(0), "ports");
		assertThat(ports).extracting((p) -> p.get("containerPort")).contains(9115, 9090);
		return ports;
	}

	private static boolean admits(Map<String, Object> rule, String portAndProtocol) {
		return list(rule, "ports").stream()
			.anyMatch((p) -> (p.get("port") + "/" + p.getOrDefault("protocol", "TCP")).equals(portAndProtocol));
	}

	private static Map<String, Object> job(Map<String, Object> prometheus, String name) {
		return list(prometheus, "scrape_configs").stream()
			.filter((job) -> name.equals(job.get("job_name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no job " + name + " in prometheus.yml"));
	}

	private static List<String> staticTargets(Map<String, Object> job) {
		return list(job, "static_configs").stream().flatMap((group) -> values(group, "targets").stream())
			.map(Object::toString)
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> yaml(Path file) throws IOException {
		return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> parent, String key) {
		return (Map<String, Object>) parent.get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		return (value == null) ? List.of() : (List<Map<String, Object>>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> values(Map<String, Object> parent, String key) {
		Object value = parent.get(key);
		return (value == null) ? List.of() : (List<Object>) value;
	}

}
