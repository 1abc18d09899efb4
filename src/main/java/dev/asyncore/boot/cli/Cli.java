package dev.asyncore.boot.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The command line: {@code fetch [--head] [--output FILE] [--allow-private] URL...},
 * {@code echo-client HOST PORT TEXT}, {@code hash-token [-]} / {@code hash-password} for the
 * hashes of {@code asyncore.security}, and {@code help} ({@code --help}, {@code -h}). Runs without
 * Spring (no context, no web server) on a reactor
 * of its own, so it starts in well under a second; called from {@code main} on the main thread.
 */
public final class Cli {

	/** The commands {@link #run} handles; anything else starts the service. */
	public static final Set<String> COMMANDS = Set.of("fetch", "echo-client", "hash-token", "hash-password", "help",
			"--help", "-h");

	/** What {@code --help} prints: every mode of the jar. */
	static final String HELP = """
			usage: java -jar asyncore-service.jar [--spring.option=value...]
			         run the service (listeners, HTTP API, Actuator) until SIGTERM or Ctrl-C
			       java -jar asyncore-service.jar [--config.file=blackbox.yml] [--web.listen-address=:9115]
			           [--config.check] [--timeout-offset=0.5] [--log.level=info] ...
			         blackbox_exporter's flags, in either spelling (--flag=value, --flag value); see
			         src/docs/blackbox.md for what each becomes. SIGHUP reloads the module file
			       java -jar asyncore-service.jar fetch [--head] [--output FILE] [--allow-private] URL...
			       java -jar asyncore-service.jar echo-client HOST PORT TEXT
			       java -jar asyncore-service.jar example http-client|echo|loop|file ARGS...
			         the four asyncore example programs; 'example' alone lists them
			       java -jar asyncore-service.jar hash-token [-] | hash-password
			         a new API token (or the token on stdin) and its hash; a bcrypt hash of a password on stdin
			       java -jar asyncore-service.jar help | --help | -h
			         print this and exit

			""";

	static final String USAGE = """
			usage: fetch [--head] [--output FILE] [--allow-private] URL...
			         download the URLs concurrently: status line and headers to stderr, bodies in order
			         to stdout (or FILE); exit 0 if every URL answered 2xx/3xx, 1 otherwise
			       echo-client HOST PORT TEXT
			         send TEXT to an echo server and print what comes back; exit 0 if it matches
			       hash-token [-]
			         print a new random bearer token and its hash (with -: the hash of the token on stdin)
			       hash-password
			         print the bcrypt hash of the password on stdin (for asyncore.security.users)""";

	private Cli() {
	}

	/**
	 * blackbox_exporter's flags ({@link BlackboxFlags}): {@code --config.check} and {@code --version}
	 * run here and exit, a bad flag exits 2, anything else starts the service with the translated
	 * arguments.
	 * @return the arguments to start Spring with, or {@code null} when the program must exit with
	 * the code given to {@code exit}
	 */
	public static String[] dropIn(String[] args, PrintStream out, PrintStream err, IntConsumer exit) {
		BlackboxFlags flags;
		try {
			flags = BlackboxFlags.parse(args);
		}
		catch (BlackboxFlags.BadFlag ex) {
			err.println("asyncore-service: error: " + ex.getMessage() + ", try --help");
			exit.accept(2);
			return null;
		}
		flags.warnings().forEach((warning) -> err.println("WARN " + warning));
		if (flags.version()) {
			String version = Cli.class.getPackage().getImplementationVersion();
			out.println("asyncore-service, version " + ((version != null) ? version : "unknown")
					+ " (a blackbox_exporter 0.23 drop-in)");
			exit.accept(0);
			return null;
		}
		if (flags.check()) {
			CliLogging.toStderr();
			exit.accept(ConfigCheck.run(flags.configFile(), out, err));
			return null;
		}
		return flags.springArgs().toArray(new String[0]);
	}

	/**
	 * Runs {@code args[0]} with the rest of the arguments.
	 * @return the exit code: 0 success, 1 failure, 2 bad usage
	 */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		CliLogging.toStderr();
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		return switch (args[0]) {
			case "fetch" -> new FetchCommand(out, err).run(rest);
			case "echo-client" -> EchoClientCommand.run(rest, out, err);
			case "hash-token" -> HashCommand.token(rest, System.in, out, err);
			case "hash-password" -> HashCommand.password(rest, System.in, out, err);
			case "help", "--help", "-h" -> {
				out.println(HELP + USAGE);
				yield 0;
			}
			default -> {
				err.println(USAGE);
				yield 2;
			}
		};
	}

}
