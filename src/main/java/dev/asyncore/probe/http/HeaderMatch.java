package dev.asyncore.probe.http;

import java.util.regex.Pattern;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.YamlSection;

/**
 * One {@code fail_if_header_matches} / {@code fail_if_header_not_matches} rule. Immutable.
 *
 * @param header the header name (case-insensitive)
 * @param regexp matched against each of its values
 * @param allowMissing whether a missing header passes (otherwise it fails the probe)
 */
public record HeaderMatch(String header, Pattern regexp, boolean allowMissing) {

	static HeaderMatch parse(YamlSection s) {
		String header = s.string("header", null);
		if (header == null || header.isBlank()) {
			throw new ModuleConfigException(s.key("header"), "is required");
		}
		String source = s.string("regexp", null);
		if (source == null) {
			throw new ModuleConfigException(s.key("regexp"), "is required");
		}
		HeaderMatch match = new HeaderMatch(header, YamlSection.regexp(s.key("regexp"), source), s.bool("allow_missing", false));
		s.finish();
		return match;
	}

}
