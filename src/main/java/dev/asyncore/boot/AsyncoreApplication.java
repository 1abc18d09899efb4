package dev.asyncore.boot;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

import dev.asyncore.boot.cli.BlackboxFlags;
import dev.asyncore.boot.cli.Cli;
import dev.asyncore.examples.Examples;

/**
 * The service's entry point. Without arguments (or with Spring options) it starts the service;
 * {@code example NAME ARGS...} runs one of the seed's example programs, and {@code fetch ...},
 * {@code echo-client ...}, {@code hash-token} and {@code hash-password} the command line
 * ({@link Cli}), all without Spring: no context, no web
 * server. blackbox_exporter's flags ({@code --config.file}, {@code --web.listen-address},
 * {@code --config.check}...) are translated into settings first ({@link BlackboxFlags}).
 */
// No generated user: credentials are asyncore.security.tokens and users (SecurityConfiguration).
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class AsyncoreApplication {

	public static void main(String[] args) {
		if (args.length > 0 && "example".equals(args[0])) {
			System.exit(Examples.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		if (args.length > 0 && Cli.COMMANDS.contains(args[0])) {
			System.exit(Cli.run(args, System.out, System.err));
		}
		String[] springArgs = args;
		if (BlackboxFlags.present(args)) {
			springArgs = Cli.dropIn(args, System.out, System.err, System::exit);
		}
		SpringApplication.run(AsyncoreApplication.class, springArgs);
	}

}
