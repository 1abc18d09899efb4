package dev.asyncore.probe.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CEL expressions compiled when the module file loads, and the JSON they read. */
class BodyCelTest {

	private static HttpOptions http(String options) {
		return ModuleFile.parse("modules:\n  m:\n    prober: http\n    http: {" + options + "}\n", null, Probers.standard().kinds())
			.module("m")
			.options(HttpOptions.KIND);
	}

	private static Object json(String text) throws IOException {
		return BodyCel.parseJson(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void expressionsAreCompiledOnceWhenTheModuleLoads() throws Exception {
		HttpOptions options = http("fail_if_body_json_matches_cel: \"body.a == 1\", "
				+ "fail_if_body_json_not_matches_cel: \"has(body.b)\"");
		assertThat(options.cel().matches().text()).isEqualTo("body.a == 1");
		assertThat(options.cel().notMatches().text()).isEqualTo("has(body.b)");
		assertThat(options.needsBody()).isTrue();
		assertThat(options.needsRegexps()).isFalse();
		Object body = json("{\"a\": 1, \"b\": null}");
		assertThat(BodyCel.evaluate(options.cel().matches(), body)).isEqualTo(true);
		assertThat(BodyCel.evaluate(options.cel().notMatches(), body)).isEqualTo(true);
		assertThat(http("").cel()).isEqualTo(BodyCel.NONE);
		assertThat(http("").needsBody()).isFalse();
	}

	@Test
	void anExpressionThatDoesNotCompileFailsTheLoadNamingItsKey() {
		assertThatThrownBy(() -> http("fail_if_body_json_matches_cel: \"body.foo ==\""))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessageStartingWith("modules.m.http.fail_if_body_json_matches_cel: \"Could not compile CEL program\"");
		assertThatThrownBy(() -> http("fail_if_body_json_not_matches_cel: \"nobody.foo\""))
			.hasMessageStartingWith("modules.m.http.fail_if_body_json_not_matches_cel: \"Could not compile CEL program\"")
			.hasMessageContaining("nobody");
	}

	@Test
	void jsonIsReadAsGoReadsItOrRefusedWithTheParsersReason() throws Exception {
		assertThat(json(" [1, 2.5, \"x\", true, {}] ")).asList().containsExactly(1.0, 2.5, "x", true, java.util.Map.of());
		assertThatThrownBy(() -> json("")).isInstanceOf(IOException.class).hasMessage("unexpected end of JSON input");
		assertThatThrownBy(() -> json("{\"a\": 1} x")).isInstanceOf(IOException.class);
		assertThatThrownBy(() -> json("{\"a\": ")).isInstanceOf(IOException.class);
	}

	@Test
	void aComprehensionHasABound() throws Exception {
		HttpOptions options = http("fail_if_body_json_matches_cel: \"body.all(x, body.all(y, body.all(z, true)))\"");
		StringBuilder list = new StringBuilder("[0");
		for (int i = 1; i < 200; i++) {
			list.append(',').append(i);
		}
		Object body = json(list.append(']').toString());
		assertThatThrownBy(() -> BodyCel.evaluate(options.cel().matches(), body))
			.isInstanceOf(dev.cel.runtime.CelEvaluationException.class);
	}

}
