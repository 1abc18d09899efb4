package dev.asyncore.probe.tls;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code serialnumber} label of {@code probe_ssl_last_chain_info}, as blackbox_exporter's newest release writes it. */
class TlsGaugesTest {

	@Test
	void theSerialIsItsMagnitudesBytesInLowerCaseHexWithLeadingZeroDigitsAndNoSignByte() {
		// Go: fmt.Sprintf("%x", serial.Bytes())
		assertThat(TlsGauges.serialNumber(new BigInteger("0a1b", 16))).isEqualTo("0a1b");
		assertThat(TlsGauges.serialNumber(new BigInteger("ff01", 16))).as("Java adds a 00 sign byte").isEqualTo("ff01");
		assertThat(TlsGauges.serialNumber(new BigInteger("7FFFFFFFFFFFFFFFFFFF", 16))).isEqualTo("7fffffffffffffffffff");
		assertThat(TlsGauges.serialNumber(BigInteger.ONE)).isEqualTo("01");
		assertThat(TlsGauges.serialNumber(BigInteger.ZERO)).isEmpty();
		assertThat(TlsGauges.serialNumber(BigInteger.valueOf(-255))).as("the magnitude, as Go's Bytes()").isEqualTo("ff");
	}

}
