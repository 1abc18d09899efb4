package dev.asyncore.probe.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code body_size_limit} as Go's units.ParseBase2Bytes reads it; each accepted and refused value
 * below was checked with blackbox_exporter 0.23's {@code --config.check}.
 */
class Base2BytesTest {

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource(delimiter = '|', value = { "128B|128", "0|0", "0B|0", "1KB|1024", "1KiB|1024", "1.5KB|1536",
			"10.7KiB|10956", "1MB512KB|1572864", "1GB1B|1073741825", "-1KB|-1024", "+1KB|1024", "1.KB|1024",
			".5KB|512", "1.5B|1", "1TB|1099511627776", "1PiB|1125899906842624", "1EB|1152921504606846976" })
	void acceptsWhatBlackboxExporterAccepts(String text, long bytes) {
		assertThat(Base2Bytes.parse(text)).isEqualTo(bytes);
	}

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource(delimiter = '|', value = { "128|units: unknown unit  in 128", "00|units: unknown unit  in 00",
			"0.0|units: unknown unit  in 0.0", "1kB|units: unknown unit kB in 1kB", "1K|units: unknown unit K in 1K",
			"1b|units: unknown unit b in 1b", "1mb|units: unknown unit mb in 1mb", "1Mb|units: unknown unit Mb in 1Mb",
			"1 KB|units: unknown unit  KB in 1 KB", "1KBB|units: unknown unit KBB in 1KBB",
			"1e3B|units: unknown unit e in 1e3B", "''|'units: invalid '",
			"9999999999999999999B|units: invalid 9999999999999999999B", "1KiB512KB|units: unknown unit KiB in 1KiB512KB" })
	void refusesWhatBlackboxExporterRefusesWithItsReason(String text, String reason) {
		assertThatThrownBy(() -> Base2Bytes.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(reason);
	}

}
