package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DisconnectsTest {

	@Test
	void aTlsFailureAnywhereInTheCauseChainIsATlsFailureNotADisconnect() {
		SSLHandshakeException oldProtocol = new SSLHandshakeException("No appropriate protocol");
		UncheckedIOException plainText = new UncheckedIOException(
				new SSLException("Unsupported or unrecognized SSL message"));
		assertThat(Disconnects.isTlsFailure(oldProtocol)).isTrue();
		assertThat(Disconnects.isTlsFailure(plainText)).isTrue();
		assertThat(Disconnects.isDisconnect(oldProtocol)).isFalse();
		assertThat(Disconnects.isTlsFailure(new IOException("Connection reset"))).isFalse();
		assertThat(Disconnects.isTlsFailure(new IllegalStateException("bug"))).isFalse();
	}

}
