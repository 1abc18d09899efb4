package dev.asyncore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the image runs the service, read from the Dockerfile itself so that the benchmark measures
 * what ships: the ENTRYPOINT's JVM options (between {@code java} and {@code -jar}) and the
 * environment the JVM reads ({@code JAVA_TOOL_OPTIONS}, {@code MALLOC_ARENA_MAX}); and the image's
 * layout and training run, reproduced in a directory: the extracted jar ({@code app.jar} and
 * {@code lib/}), {@code config/application.yml}, and {@code app.aot} made by
 * {@code src/main/docker/aot-training.sh} with the options the Dockerfile gives it.
 */
record ImageJvm(List<String> options, Map<String, String> env, List<String> trainingOptions) {

	static final Path TRAINING = Path.of("src/main/docker/aot-training.sh");

	static final String PROFILES = "SPRING_PROFILES_ACTIVE";

	private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$");

	/** The training RUN, its continuation lines joined: options up to the first {@code &&} or the end. */
	private static final Pattern TRAINING_RUN = Pattern.compile("(?m)^RUN aot-training\\.sh app\\.aot ([^&\\n]*?)\\s*(?:&&|$)");

	private static final Pattern ENV_VALUE = Pattern.compile("(JAVA_TOOL_OPTIONS|MALLOC_ARENA_MAX)=(\"[^\"]*\"|\\S+)");

	static ImageJvm fromDockerfile(Path dockerfile) throws IOException {
		String text = Files.readString(dockerfile).replaceAll("\\\\\n\\s*", " ");
		Matcher entry = ENTRYPOINT.matcher(text);
		Matcher training = TRAINING_RUN.matcher(text);
		if (!entry.find() || !training.find()) {
			throw new IllegalStateException("no ENTRYPOINT [...] or RUN aot-training.sh line in " + dockerfile);
		}
		List<String> words = new ArrayList<>();
		for (String word : entry.group(1).split(",")) {
			words.add(word.strip().replaceAll("^\"|\"$", ""));
		}
		if (!words.get(0).equals("java") || !words.subList(words.size() - 2, words.size()).equals(List.of("-jar", "app.jar"))) {
			throw new IllegalStateException("the ENTRYPOINT is not java OPTIONS -jar app.jar: " + words);
		}
		Map<String, String> env = new LinkedHashMap<>();
		Matcher value = ENV_VALUE.matcher(text);
		while (value.find()) {
			env.put(value.group(1), value.group(2).replaceAll("^\"|\"$", ""));
		}
		List<String> trainingOptions = List.of(training.group(1).strip().split("\\s+"));
		return new ImageJvm(List.copyOf(words.subList(1, words.size() - 2)), env, trainingOptions);
	}

	/**
	 * The image built with {@code --build-arg PROFILE=profile}: the Dockerfile's
	 * {@code SPRING_PROFILES_ACTIVE} for the training run and the service; unchanged for an empty one.
	 */
	ImageJvm withProfile(String profile) {
		if (profile.isEmpty()) {
			return this;
		}
		Map<String, String> env = new LinkedHashMap<>(this.env);
		env.put(PROFILES, profile);
		return new ImageJvm(this.options, env, this.trainingOptions);
	}

	/** The profile {@link #withProfile} set, or empty. */
	String profile() {
		return this.env.getOrDefault(PROFILES, "");
	}

	/** The {@code java} of the JDK running the benchmark (the build's, 25 or newer). */
	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The container configuration's placeholders: loopback only, every port but the probe port chosen by the kernel. */
	static Map<String, String> containerEnv(int probePort, Path modules) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("ASYNCORE_BIND_HOST", "127.0.0.1");
		env.put("HTTP_ADDRESS", "127.0.0.1");
		env.put("MANAGEMENT_ADDRESS", "127.0.0.1");
		for (String port : List.of("HTTP_PORT", "MANAGEMENT_PORT", "ASYNCORE_ECHO_PORT", "ASYNCORE_ECHO_UDP_PORT", "ASYNCORE_DISCARD_PORT")) {
			env.put(port, "0");
		}
		env.put("ASYNCORE_BLACKBOX_PORT", String.valueOf(probePort));
		env.put("ASYNCORE_BLACKBOX_CONFIG", modules.toString());
		return env;
	}

	/** Drops what the benchmark's own environment could add to a JVM under test. */
	static void cleanEnvironment(Map<String, String> env) {
		env.keySet().removeIf((name) -> name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS")
				|| name.equals("_JAVA_OPTIONS") || name.equals("MALLOC_ARENA_MAX") || name.startsWith("ASYNCORE_")
				|| name.startsWith("SPRING_") || name.startsWith("MANAGEMENT_") || name.startsWith("HTTP_"));
	}

	/**
	 * The image's /app in {@code dir} (which must not exist): the fat jar extracted as the Dockerfile
	 * does ({@code app.jar} and {@code lib/}), and the container configuration.
	 */
	void layOut(Path fatJar, Path dir) throws IOException, InterruptedException {
		Path staging = Files.createTempDirectory("asyncore-bench-jar");
		Files.copy(fatJar, staging.resolve("app.jar"));
		exec(staging, List.of(java(), "-Djarmode=tools", "-jar", "app.jar", "extract", "--destination", dir.toString()));
		Files.createDirectories(dir.resolve("config"));
		Files.copy(Path.of("config/application.yml"), dir.resolve("config/application.yml"), StandardCopyOption.REPLACE_EXISTING);
	}

	/** Runs the image's training script in {@code dir} with the Dockerfile's options and environment; writes app.aot. */
	void train(Path dir) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", TRAINING.toAbsolutePath().toString(), "app.aot"));
		command.addAll(this.trainingOptions);
		ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
		cleanEnvironment(builder.environment());
		builder.environment().putAll(this.env);
		builder.environment().put("PATH", Path.of(java()).getParent() + ":" + System.getenv("PATH"));
		run(builder, dir.resolve("training.log"), 15);
	}

	private static void exec(Path dir, List<String> command) throws IOException, InterruptedException {
		run(new ProcessBuilder(command).directory(dir.toFile()), dir.resolve("exec.log"), 5);
	}

	private static void run(ProcessBuilder builder, Path log, int minutes) throws IOException, InterruptedException {
		Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(minutes, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException(builder.command() + " failed:\n" + Files.readString(log));
		}
		System.out.print(Files.readString(log).lines().filter((line) -> line.startsWith("AOT training")).map((line) -> line + "\n")
			.reduce("", String::concat));
	}

}
