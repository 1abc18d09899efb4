package dev.asyncore.boot.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.asyncore.boot.security.Credentials;

/**
 * {@code hash-token [-]} and {@code hash-password}: the hashes {@code asyncore.security} stores.
 * {@code hash-token} makes a new random token and prints it with its hash; {@code hash-token -}
 * hashes the token read from the first line of standard input; {@code hash-password} prints the
 * bcrypt hash of the password on the first line of standard input. Secrets are never arguments
 * (they would show in {@code ps} and the shell history).
 */
final class HashCommand {

	private HashCommand() {
	}

	static int token(String[] args, InputStream in, PrintStream out, PrintStream err) {
		if (args.length == 0) {
			String token = Credentials.newToken();
			out.println("token: " + token);
			out.println("hash:  " + Credentials.hashToken(token));
			err.println("Give the token to the client (Authorization: Bearer <token>) and keep only the hash: "
					+ "asyncore.security.tokens[N].hash, or ASYNCORE_SECURITY_TOKEN_HASH in the container.");
			return 0;
		}
		if (args.length == 1 && "-".equals(args[0])) {
			String token = firstLine(in, err);
			if (token == null) {
				return 1;
			}
			out.println(Credentials.hashToken(token));
			return 0;
		}
		err.println(Cli.USAGE);
		return 2;
	}

	static int password(String[] args, InputStream in, PrintStream out, PrintStream err) {
		if (args.length != 0) {
			err.println(Cli.USAGE);
			return 2;
		}
		String password = firstLine(in, err);
		if (password == null) {
			return 1;
		}
		out.println(Credentials.hashPassword(password));
		return 0;
	}

	private static String firstLine(InputStream in, PrintStream err) {
		try {
			String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
			if (line == null || line.isEmpty()) {
				err.println("Nothing on standard input: pipe the secret in, e.g. printf %s \"$SECRET\" | ...");
				return null;
			}
			return line;
		}
		catch (IOException ex) {
			err.println("Cannot read standard input: " + ex.getMessage());
			return null;
		}
	}

}
