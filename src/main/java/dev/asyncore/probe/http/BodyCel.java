package dev.asyncore.probe.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.YamlSection;

/**
 * {@code fail_if_body_json_matches_cel} and {@code fail_if_body_json_not_matches_cel}: CEL expressions
 * (Google's cel-java) over the response body parsed as JSON, bound to the one variable {@code body} of
 * type {@code dyn}, as blackbox_exporter's {@code CELProgram}. Each is compiled once, when the module
 * file loads; one that does not compile fails the load naming its key. JSON numbers are CEL doubles
 * (Go's {@code json.Unmarshal} gives {@code float64}), so {@code body.n == 1} and {@code body.n == 1.0}
 * both hold. Immutable; any thread.
 *
 * @param matches {@code fail_if_body_json_matches_cel}, or {@code null}
 * @param notMatches {@code fail_if_body_json_not_matches_cel}, or {@code null}
 */
public record BodyCel(Expression matches, Expression notMatches) {

	/** No CEL check. */
	public static final BodyCel NONE = new BodyCel(null, null);

	/**
	 * A comprehension ({@code all}, {@code exists}, {@code map}...) stops after this many steps: the
	 * expression runs on the probe's loop thread, and blackbox_exporter's stop by the probe's deadline
	 * is not there in cel-java.
	 */
	static final int MAX_ITERATIONS = 1_000_000;

	/**
	 * The CEL environment and the JSON reader, made when the first expression compiles: every http
	 * module refers to {@link #NONE}, and a module file without CEL then loads none of cel-java and
	 * Guava (121 classes at start, each kept in the image's AOT cache).
	 */
	private static final class Engine {

		static final Cel CEL = CelFactory.standardCelBuilder()
			.setOptions(CelOptions.current().comprehensionMaxIterations(MAX_ITERATIONS).build())
			.setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists()...: Go's cel.NewEnv has them
			.addVar("body", SimpleType.DYN)
			.build();

		static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

		private Engine() {
		}

		/** Here, not in the record: linking a method that catches CEL's exceptions loads them. */
		static Expression compile(String text, String key) {
			try {
				return new Expression(text, CEL.createProgram(CEL.compile(text).getAst()));
			}
			catch (CelValidationException | CelEvaluationException ex) {
				throw new ModuleConfigException(key, "\"Could not compile CEL program\" expression=\"" + text + "\": "
						+ ex.getMessage());
			}
		}

	}

	/** One compiled expression and its text. */
	public record Expression(String text, CelRuntime.Program program) {

		@Override
		public String toString() {
			return this.text;
		}

	}

	/** Whether any expression is set, so the body must be kept. */
	boolean any() {
		return this.matches != null || this.notMatches != null;
	}

	static BodyCel parse(YamlSection s) {
		return new BodyCel(compile(s, "fail_if_body_json_matches_cel"), compile(s, "fail_if_body_json_not_matches_cel"));
	}

	private static Expression compile(YamlSection s, String name) {
		String text = s.string(name, null);
		if (text == null || text.isEmpty()) {
			return null;
		}
		return Engine.compile(text, s.key(name));
	}

	/**
	 * The body as CEL reads it: objects as maps, arrays as lists, numbers as doubles, {@code null} as
	 * CEL's null.
	 * @throws IOException when the body is not one JSON value, with the parser's reason
	 */
	static Object parseJson(InputStream body) throws IOException {
		JsonNode tree;
		try {
			tree = Engine.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IOException(ex.getOriginalMessage(), ex);
		}
		if (tree == null || tree.isMissingNode()) {
			throw new IOException("unexpected end of JSON input"); // Go's words for an empty body
		}
		return value(tree);
	}

	private static Object value(JsonNode node) {
		if (node.isObject()) {
			Map<String, Object> map = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				map.put(entry.getKey(), value(entry.getValue()));
			}
			return map;
		}
		if (node.isArray()) {
			List<Object> list = new ArrayList<>(node.size());
			for (JsonNode each : node.values()) {
				list.add(value(each));
			}
			return list;
		}
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isNumber()) {
			return node.doubleValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		return dev.cel.common.values.NullValue.NULL_VALUE;
	}

	/**
	 * Evaluates {@code expression} with {@code body} bound.
	 * @return the result: a {@link Boolean} for an expression that is a check, else whatever it gave
	 * @throws CelEvaluationException when evaluation fails (a missing key, a wrong type)
	 */
	static Object evaluate(Expression expression, Object body) throws CelEvaluationException {
		return expression.program().eval(Map.of("body", body));
	}

	@Override
	public String toString() {
		return "BodyCel[matches=" + this.matches + ", notMatches=" + this.notMatches + "]";
	}

}
