package dev.asyncore.probe.toy;

import java.util.regex.Pattern;

import dev.asyncore.probe.config.ModuleFiles;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.config.YamlSection;

/**
 * The toy prober's options, {@code toy: {expect: REGEX}}: the example of src/docs/blackbox.md's
 * "Adding a prober". Immutable.
 *
 * @param expect what the target must match for the probe to pass
 */
record ToyOptions(Pattern expect) {

	/** The module file's side of the prober: its name, its section, a module every file then has. */
	static final ProberKind<ToyOptions> KIND = ProberKind.of("toy", ToyOptions::parse)
		.withDefaultModule("toy_default", "prober: toy\ntimeout: 5s\n");

	private static ToyOptions parse(YamlSection s, ModuleFiles files) {
		ToyOptions options = new ToyOptions(YamlSection.regexp(s.key("expect"), s.string("expect", ".")));
		s.finish(); // strict: a misspelt key fails the file, naming it
		return options;
	}

}
