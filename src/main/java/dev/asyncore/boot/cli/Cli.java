package dev.asyncore.boot.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

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
