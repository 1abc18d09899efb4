package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code src/docs/blackbox.md}'s table "Options each prober reads" against the parsers (issue 25): every
 * key a prober's section parser asks for (or declares unsupported), nested sections as {@code tls_config.ca_file},
 * is in its row, and every key in a row is one its parser knows, so the documentation cannot drift.
 */
class DocumentedOptionsTest {

	private static final Path DOC = Path.of("src/docs/blackbox.md");

	private static final String HEADING = "### Options each prober reads";

	/** The least each section needs to parse (a dns module needs its query name, a udp one a step). */
	private static final Map<String, Map<String, Object>> MINIMAL = Map.of("dns", Map.of("query_name", "example.org"),
			"udp", Map.of("query_response", List.of(Map.of("send", "x"))));

	/** Each prober of the standard table and the keys its parser knows, in the order it reads them. */
	static Map<String, Set<String>> known() {
		Map<String, Set<String>> known = new LinkedHashMap<>();
		for (ProberKind<?> kind : Probers.standard().kinds()) {
			YamlSection section = YamlSection.of("modules.m." + kind.name(), MINIMAL.getOrDefault(kind.name(), Map.of()));
			kind.parse(section, ModuleFiles.relativeTo(null));
			Set<String> keys = new LinkedHashSet<>();
			collect(section, "", keys);
			known.put(kind.name(), keys);
		}
		return known;
	}

	private static void collect(YamlSection section, String prefix, Set<String> keys) {
		for (String key : section.known()) {
			YamlSection child = section.child(key);
			if (child != null && !child.known().isEmpty()) {
				collect(child, prefix + key + ".", keys);
			}
			else {
				keys.add(prefix + key);
			}
		}
	}

	/** The table's rows: prober to the keys listed for it. */
	static Map<String, Set<String>> documented() throws IOException {
		List<String> lines = Files.readAllLines(DOC);
		int start = lines.indexOf(HEADING);
		assertThat(start).as("blackbox.md has the heading '" + HEADING + "'").isNotNegative();
		Map<String, Set<String>> documented = new LinkedHashMap<>();
		Pattern row = Pattern.compile("^\\| `([a-z]+)` \\| (.*) \\|$");
		Pattern key = Pattern.compile("`([a-z0-9_.]+)`");
		for (String line : lines.subList(start + 1, lines.size())) {
			if (line.startsWith("#")) {
				break;
			}
			Matcher m = row.matcher(line);
			if (m.matches()) {
				Set<String> keys = new LinkedHashSet<>();
				Matcher k = key.matcher(m.group(2));
				while (k.find()) {
					keys.add(k.group(1));
				}
				documented.put(m.group(1), keys);
			}
		}
		return documented;
	}

	private static String table(Map<String, Set<String>> known) {
		return known.entrySet().stream()
			.map(e -> "| `" + e.getKey() + "` | " + e.getValue().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")) + " |")
			.collect(Collectors.joining("\n"));
	}

	@Test
	void everyOptionEachParserReadsIsDocumentedAndNoDocumentedOptionIsUnknown() throws IOException {
		Map<String, Set<String>> known = known();
		Map<String, Set<String>> documented = documented();
		String expected = "the rows as the parsers read them:\n" + table(known);
		assertThat(documented.keySet()).as(expected).containsExactlyInAnyOrderElementsOf(known.keySet());
		for (Map.Entry<String, Set<String>> prober : known.entrySet()) {
			assertThat(documented.get(prober.getKey())).as(prober.getKey() + ": " + expected)
				.containsExactlyInAnyOrderElementsOf(prober.getValue());
		}
	}

	@Test
	void theCheckSeesNestedKeysAndUnsupportedOnes() {
		Map<String, Set<String>> known = known();
		assertThat(known.get("http")).contains("valid_status_codes", "tls_config.ca_file", "tls_config.server_name",
				"fail_if_body_json_matches_cel", "enable_http3", "proxy_url");
		assertThat(known.get("websocket")).contains("http_config.tls_config.insecure_skip_verify", "query_response");
		assertThat(known.get("dns")).contains("query_name");
	}

}
