package dev.asyncore.probe.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.probe.http.HttpOptions;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every secret a module file can hold (basic_auth's password, bearer_token, both read from files, a
 * credential header) is masked: the module's text ({@code debug=true}), its configuration view and
 * its {@code toString} show {@code <secret>}, never the value, and so does the options'
 * {@code toString} for the passwords and tokens (held as {@link Secret}), while the options still
 * carry the values for the request.
 */
class ModuleSecretsTest {

	private static final List<ProberKind<?>> KINDS = Probers.standard().kinds();

	private static final List<String> VALUES = SecretModules.VALUES;

	@TempDir
	Path dir;

	private ModuleFile file() throws Exception {
		return ModuleFile.read(SecretModules.write(this.dir), KINDS);
	}

	@Test
	void whenAModuleHoldsSecretsThenItsTextViewsAndErrorsShowSecretAndNeverTheValue() throws Exception {
		ModuleFile modules = file();
		for (Module<?> module : modules.modules().values()) {
			for (String shown : List.of(module.text(), module.config().toString(), module.toString())) {
				for (String value : VALUES) {
					assertThat(shown).as(module.name()).doesNotContain(value);
				}
			}
			// header values stay text in the options (only the module's text masks them)
			assertThat(module.options().toString()).doesNotContain("pw-inline-1", "pw-file-2", "tok-inline-3",
					"tok-file-4", "other-section-7");
		}
		assertThat(modules.module("basic").text()).isEqualTo("""
				prober: http
				timeout: 5s
				http:
				  basic_auth:
				    username: alice
				    password: <secret>
				""");
		assertThat(modules.module("bearer").text()).contains("bearer_token: <secret>");
		assertThat(modules.module("basic_file").text()).contains("password_file: password");
		assertThat(modules.module("bearer_file").text()).contains("bearer_token_file: token");
		assertThat(modules.module("headers").text()).contains("Accept: text/plain", "Authorization: <secret>",
				"X-Api-Key: <secret>");
		assertThat(modules.module("tcp_with_http_section").text()).contains("password: <secret>");
		assertThat(modules.module("basic").options(HttpOptions.KIND).toString()).contains("<secret>");

		// nor does a file that is refused
		for (String body : List.of("basic_auth: {username: u, password: pw-inline-1, password_file: p}",
				"bearer_token: tok-inline-3\n      bearer_token_file: t",
				"bearer_token: tok-inline-3\n      basic_auth: {username: u, password: pw-inline-1}",
				"basic_auth: {username: u, password: pw-inline-1: x}", "bearer_token: \"tok-inline-3",
				"basic_auth: {username: u, password: [pw-inline-1]}", "headers: {Authorization: [hdr-auth-5]}")) {
			Throwable failure = catchThrowable(
					() -> ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n      " + body + "\n", null, KINDS));
			assertThat(failure).as(body).isInstanceOf(ModuleConfigException.class);
			for (String value : VALUES) {
				assertThat(failure.getMessage()).as(body).doesNotContain(value);
			}
		}
	}

	@Test
	void whenAModuleHoldsSecretsThenTheOptionsStillCarryTheValuesForTheRequest() throws Exception {
		ModuleFile modules = file();
		assertThat(modules.module("basic").options(HttpOptions.KIND).basicAuthPassword().reveal()).isEqualTo("pw-inline-1");
		assertThat(modules.module("basic_file").options(HttpOptions.KIND).basicAuthPassword().reveal()).isEqualTo("pw-file-2");
		assertThat(modules.module("bearer").options(HttpOptions.KIND).bearerToken().reveal()).isEqualTo("tok-inline-3");
		assertThat(modules.module("bearer_file").options(HttpOptions.KIND).bearerToken().reveal()).isEqualTo("tok-file-4");
		assertThat(modules.module("headers").options(HttpOptions.KIND).headers()).containsEntry("X-Api-Key", "hdr-key-6");
	}

	@Test
	void aSecretRendersAsSecretAndComparesByValue() {
		Secret secret = Secret.of("hunter2");
		assertThat(secret).hasToString("<secret>");
		assertThat(String.valueOf(Map.of("password", secret))).isEqualTo("{password=<secret>}");
		assertThat(secret).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("hunter3"));
		assertThat(secret.hashCode()).isEqualTo(Secret.of("other").hashCode());
		assertThat(secret.reveal()).isEqualTo("hunter2");
	}

}
