package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The one table of "the peer went away" (asyncore's _DISCONNECTED errno set). */
class DisconnectsTest {

	@ParameterizedTest
	@ValueSource(strings = { "Connection reset", "Connection reset by peer", "Broken pipe", "Connection aborted",
			"Software caused connection abort",
			"An established connection was aborted by the software in your host machine",
			"An existing connection was forcibly closed by the remote host", "Socket is not connected",
			"Transport endpoint is not connected", "Cannot send after transport endpoint shutdown",
			"Bad file descriptor", "Socket closed", "  BROKEN PIPE  " })
	void whenTheMessageIsInTheTableThenItIsADisconnect(String message) {
		assertThat(Disconnects.isDisconnect(new IOException(message))).isTrue();
	}

	@Test
	void whenTheChannelIsClosedOrTheStreamEndedThenItIsADisconnect() {
		assertThat(Disconnects.isDisconnect(new ClosedChannelException())).isTrue();
		assertThat(Disconnects.isDisconnect(new AsynchronousCloseException())).isTrue();
		assertThat(Disconnects.isDisconnect(new EOFException())).isTrue();
	}

	@Test
	void whenTheDisconnectIsACauseThenItIsFound() {
		assertThat(Disconnects.isDisconnect(new UncheckedIOException(new IOException("Broken pipe")))).isTrue();
		assertThat(Disconnects.isDisconnect(new IllegalStateException("wrapped", new ClosedChannelException()))).isTrue();
	}

	@Test
	void whenTheFailureIsAnythingElseThenItIsAnError() {
		assertThat(Disconnects.isDisconnect(new ConnectException("Connection refused"))).isFalse();
		assertThat(Disconnects.isDisconnect(new IOException("Too many open files"))).isFalse();
		assertThat(Disconnects.isDisconnect(new IOException((String) null))).isFalse();
		assertThat(Disconnects.isDisconnect(new IllegalStateException("Connection reset"))).isFalse();
	}

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
