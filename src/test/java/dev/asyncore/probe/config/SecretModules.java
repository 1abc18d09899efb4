package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A module file with every kind of secret a module can hold, for the tests that show it: one
 * module per kind, and the secrets' values, none of which may ever be shown.
 */
public final class SecretModules {

	/** Every secret value of {@link #write}'s file. */
	public static final List<String> VALUES = List.of("pw-inline-1", "pw-file-2", "tok-inline-3", "tok-file-4",
			"hdr-auth-5", "hdr-key-6", "other-section-7");

	/** Its modules: basic_auth's password inline and from a file, bearer_token likewise, credential headers, and a password in another prober's section. */
	public static final List<String> MODULES = List.of("basic", "basic_file", "bearer", "bearer_file", "headers",
			"tcp_with_http_section");

	private SecretModules() {
	}

	/** Writes {@code blackbox.yml} and the files it names into {@code dir}; returns the module file. */
	public static Path write(Path dir) throws IOException {
		Files.writeString(dir.resolve("password"), "pw-file-2\n");
		Files.writeString(dir.resolve("token"), "tok-file-4\n");
		return Files.writeString(dir.resolve("blackbox.yml"), """
				modules:
				  basic:
				    prober: http
				    timeout: 5s
				    http:
				      basic_auth: {username: alice, password: pw-inline-1}
				  basic_file:
				    prober: http
				    http:
				      basic_auth: {username: bob, password_file: password}
				  bearer:
				    prober: http
				    http:
				      bearer_token: tok-inline-3
				  bearer_file:
				    prober: http
				    http:
				      bearer_token_file: token
				  headers:
				    prober: http
				    http:
				      headers:
				        Accept: text/plain
				        Authorization: Bearer hdr-auth-5
				        X-Api-Key: hdr-key-6
				  tcp_with_http_section:
				    prober: tcp
				    http:
				      basic_auth: {username: carol, password: other-section-7}
				""");
	}

}
