package dev.asyncore.boot.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.DefaultValue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata (what IDEs show), the configuration tables of
 * {@code src/docs/configuration.md} and the records that bind {@code asyncore.*} name the same keys
 * with the same defaults, so none of the three can drift.
 */
class ConfigurationMetadataTest {

	private static final Path DOCS = Path.of("src/docs/configuration.md");

	@Test
	void metadataDescribesEveryKeyInPlainTextWithTheDefaultOfItsRecord() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		Map<String, RecordComponent> keys = KnownProperties.leaves();
		assertThat(keys).hasSizeGreaterThan(25);
		assertThat(metadata.keySet()).containsAll(keys.keySet());
		// Besides the leaves, only the lists themselves appear (as Spring Boot's processor writes them).
		assertThat(metadata.keySet()).allMatch((key) -> keys.containsKey(key) || key.equals("asyncore.listeners")
				|| key.equals("asyncore.probes") || key.equals("asyncore.security.tokens")
				|| key.equals("asyncore.security.users"));
		keys.forEach((key, component) -> {
			JsonNode entry = metadata.get(key);
			String description = entry.path("description").asString("");
			assertThat(description).as(key).isNotBlank().doesNotContain("{@", "<", "@param");
			String expected = defaultOf(component);
			// Spring Boot's processor writes no default for an empty list
			if (expected != null && !expected.equals("[]")) {
				assertThat(entry.has("defaultValue")).as(key + " has a default").isTrue();
				JsonNode value = entry.get("defaultValue");
				String actual = value.isArray()
						? "[" + String.join(",", value.valueStream().map(JsonNode::asString).toList()) + "]"
						: value.asString();
				assertThat(actual).as(key).isEqualToIgnoringCase(expected);
			}
		});
	}

	@Test
	void metadataHintsTheValuesOfTypeAndProtocol() throws IOException {
		JsonNode root = read();
		Map<String, List<String>> hints = new HashMap<>();
		for (JsonNode hint : root.get("hints")) {
			hints.put(hint.get("name").asString(),
					hint.path("values").valueStream().map((v) -> v.get("value").asString()).toList());
		}
		assertThat(hints.get("asyncore.listeners[*].type")).contains("echo", "discard");
		assertThat(hints.get("asyncore.listeners[*].protocol")).containsExactly("tcp", "udp", "unix");
	}

	@Test
	void docsTablesListEveryKeyWithTheDefaultOfItsRecord() throws IOException {
		Map<String, String> documented = documentedDefaults();
		Map<String, RecordComponent> keys = KnownProperties.leaves();
		assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(keys.keySet());
		keys.forEach((key, component) -> {
			String expected = defaultOf(component);
			if (expected != null) {
				assertThat(documented.get(key)).as(key + " in " + DOCS).isEqualToIgnoringCase(expected);
			}
		});
	}

	/** The {@code @DefaultValue} of a component: its value, {@code []} for an empty list, or none. */
	private static String defaultOf(RecordComponent component) {
		DefaultValue annotation = component.getAccessor().getDeclaringClass().getDeclaredConstructors()[0]
			.getParameters()[indexOf(component)].getAnnotation(DefaultValue.class);
		if (annotation == null) {
			return null;
		}
		return (annotation.value().length == 0) ? "[]" : String.join(",", annotation.value());
	}

	private static int indexOf(RecordComponent component) {
		RecordComponent[] all = component.getAccessor().getDeclaringClass().getRecordComponents();
		for (int i = 0; i < all.length; i++) {
			if (all[i].getName().equals(component.getName())) {
				return i;
			}
		}
		throw new IllegalArgumentException(component.toString());
	}

	/** key → default column, from every {@code ## `asyncore.x`} table of the configuration docs. */
	private static Map<String, String> documentedDefaults() throws IOException {
		Map<String, String> defaults = new LinkedHashMap<>();
		Pattern heading = Pattern.compile("^## `(asyncore\\.[^`]+)`");
		Pattern row = Pattern.compile("^\\| `([a-z0-9.*\\[\\]-]+)` \\| ?([^|]*?) ?\\|");
		String section = null;
		for (String line : Files.readAllLines(DOCS)) {
			Matcher h = heading.matcher(line);
			if (h.find()) {
				section = h.group(1);
				continue;
			}
			if (line.startsWith("## ")) {
				section = null;
			}
			Matcher r = row.matcher(line);
			if (section != null && r.find()) {
				defaults.put(section + "." + r.group(1), r.group(2).trim().replace("`", ""));
			}
		}
		return defaults;
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (JsonNode property : read().get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith("asyncore.")) {
				properties.put(name, property);
			}
		}
		return properties;
	}

	private static JsonNode read() throws IOException {
		try (InputStream in = ConfigurationMetadataTest.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
