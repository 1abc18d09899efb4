package dev.asyncore.boot.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * blackbox_exporter's command line, translated into this service's settings before Spring starts:
 * {@code --config.file=blackbox.yml --web.listen-address=:9115} becomes
 * {@code --asyncore.blackbox.config-file=blackbox.yml --asyncore.blackbox.listen-address=:9115}.
 * Both spellings of its flag parser are read ({@code --flag=value} and {@code --flag value}, the
 * one Debian's {@code /etc/default/prometheus-blackbox-exporter} uses), and boolean flags take
 * {@code --no-flag}. Every other argument is passed to Spring as it was. The table of which flag
 * becomes which key is src/docs/blackbox.md's. Immutable; any thread.
 *
 * @param springArgs what Spring is started with
 * @param check {@code --config.check}: validate the module file and exit
 * @param version {@code --version}: print the version and exit
 * @param configFile the module file {@code --config.file} names, or {@code null}
 * @param warnings what the flags asked that the service does differently, one line each
 */
public record BlackboxFlags(List<String> springArgs, boolean check, boolean version, String configFile,
		List<String> warnings) {

	/** blackbox_exporter's flags that take a value, by flag name, with the key each becomes. */
	private static final Map<String, String> VALUE_FLAGS = Map.of("config.file", "asyncore.blackbox.config-file",
			"web.listen-address", "asyncore.blackbox.listen-address", "timeout-offset", "asyncore.blackbox.timeout-offset",
			"history.limit", "asyncore.blackbox.history-limit", "log.level", "logging.level.dev.asyncore", "log.prober",
			"asyncore.blackbox.log-prober", "log.format", "logging.structured.format.console", "web.route-prefix",
			"asyncore.blackbox.route-prefix", "web.external-url", "asyncore.blackbox.external-url", "web.config.file",
			"");

	private static final Set<String> BOOLEAN_FLAGS = Set.of("config.check", "web.systemd-socket", "version");

	private static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");

	public BlackboxFlags {
		springArgs = List.copyOf(springArgs);
		warnings = List.copyOf(warnings);
	}

	/** A flag blackbox_exporter would refuse, or one this service cannot honour; the message says which and why. */
	public static final class BadFlag extends IllegalArgumentException {

		private static final long serialVersionUID = 1L;

		BadFlag(String message) {
			super(message);
		}

	}

	/** Whether {@code args} hold any of blackbox_exporter's flags. */
	public static boolean present(String[] args) {
		for (String arg : args) {
			String name = name(arg);
			if (name != null && (VALUE_FLAGS.containsKey(name) || BOOLEAN_FLAGS.contains(name)
					|| BOOLEAN_FLAGS.contains(name.replaceFirst("^no-", "")))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Translates {@code args}.
	 * @throws BadFlag naming the flag whose value is missing or wrong, or that cannot be honoured
	 */
	public static BlackboxFlags parse(String[] args) {
		List<String> spring = new ArrayList<>();
		List<String> warnings = new ArrayList<>();
		List<String> addresses = new ArrayList<>();
		boolean check = false;
		boolean version = false;
		String configFile = null;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			String name = name(arg);
			if (name != null && (BOOLEAN_FLAGS.contains(name) || BOOLEAN_FLAGS.contains(name.replaceFirst("^no-", "")))) {
				boolean on = !name.startsWith("no-");
				String flag = on ? name : name.substring(3);
				if (arg.contains("=")) {
					on = bool(flag, arg.substring(arg.indexOf('=') + 1)) == on;
				}
				switch (flag) {
					case "config.check" -> check = on;
					case "version" -> version = on;
					default -> {
						if (on) {
							throw new BadFlag("--web.systemd-socket is not supported: the service binds its own "
									+ "listeners; give --web.listen-address instead");
						}
					}
				}
				continue;
			}
			if (name == null || !VALUE_FLAGS.containsKey(name)) {
				spring.add(arg);
				continue;
			}
			String value;
			int eq = arg.indexOf('=');
			if (eq >= 0) {
				value = arg.substring(eq + 1);
			}
			else if (i + 1 < args.length) {
				value = args[++i];
			}
			else {
				throw new BadFlag("expected argument for flag --" + name);
			}
			switch (name) {
				case "config.file" -> {
					configFile = value;
					spring.add(property(name, value));
				}
				case "web.listen-address" -> addresses.add(value);
				case "timeout-offset" -> spring.add(property(name, seconds(name, value)));
				case "history.limit" -> spring.add(property(name, String.valueOf(count(name, value))));
				case "log.level", "log.prober" -> spring.add(property(name, level(name, value)));
				case "log.format" -> format(value, spring, warnings);
				case "web.route-prefix", "web.external-url" -> spring.add(property(name, value));
				default -> webConfig(value);
			}
		}
		if (!addresses.isEmpty()) {
			spring.add(0, "--" + VALUE_FLAGS.get("web.listen-address") + "=" + String.join(",", addresses));
		}
		return new BlackboxFlags(spring, check, version, configFile, warnings);
	}

	/** {@code --x.y=v} and {@code --x.y} give {@code x.y}; anything not starting with two dashes gives {@code null}. */
	private static String name(String arg) {
		if (!arg.startsWith("--") || arg.length() == 2) {
			return null;
		}
		int eq = arg.indexOf('=');
		return (eq < 0) ? arg.substring(2) : arg.substring(2, eq);
	}

	private static String property(String flag, String value) {
		return "--" + VALUE_FLAGS.get(flag) + "=" + value;
	}

	private static boolean bool(String flag, String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "true", "1", "t" -> true;
			case "false", "0", "f" -> false;
			default -> throw new BadFlag("--" + flag + ": '" + value + "' is not true or false");
		};
	}

	/** blackbox_exporter's {@code --timeout-offset} is seconds as a float; the key takes a duration. */
	private static String seconds(String flag, String value) {
		double seconds;
		try {
			seconds = Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			throw new BadFlag("--" + flag + ": '" + value + "' is not a number of seconds such as 0.5");
		}
		if (!(seconds >= 0) || Double.isInfinite(seconds)) {
			throw new BadFlag("--" + flag + ": must be a number of seconds, 0 or more, was '" + value + "'");
		}
		return Math.round(seconds * 1000) + "ms";
	}

	private static int count(String flag, String value) {
		try {
			int count = Integer.parseInt(value);
			if (count >= 0) {
				return count;
			}
		}
		catch (NumberFormatException ex) {
			// the message below says what is expected
		}
		throw new BadFlag("--" + flag + ": '" + value + "' is not a count, 0 or more");
	}

	private static String level(String flag, String value) {
		if (!LEVELS.contains(value)) {
			throw new BadFlag("--" + flag + ": enum value must be one of debug,info,warn,error, got '" + value + "'");
		}
		return value;
	}

	private static void format(String value, List<String> spring, List<String> warnings) {
		switch (value) {
			case "logfmt" -> warnings.add("--log.format=logfmt: log lines are in Spring Boot's console format, "
					+ "not logfmt (the probe logs of debug=true are logfmt)");
			case "json" -> spring.add(property("log.format", "logstash"));
			default -> throw new BadFlag("--log.format: enum value must be one of logfmt,json, got '" + value + "'");
		}
	}

	/** {@code --web.config.file} holds TLS and users; ignoring it would open what it protects. */
	private static void webConfig(String value) {
		if (!value.isEmpty()) {
			throw new BadFlag("--web.config.file is not supported: configure TLS with asyncore.listeners[N].tls "
					+ "and users with asyncore.security.users (bcrypt hashes, as in basic_auth_users); "
					+ "see src/docs/security.md");
		}
	}

}
