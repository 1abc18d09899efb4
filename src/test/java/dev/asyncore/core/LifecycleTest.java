package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lifecycle value: the words state() shows and the transitions that keep a broken connection broken. */
class LifecycleTest {

	@Test
	void eachStateHasTheWordStateShows() {
		assertThat(Lifecycle.NEW.word()).isEqualTo("idle");
		assertThat(Lifecycle.CONNECTING.word()).isEqualTo("connecting");
		assertThat(Lifecycle.CONNECTED.word()).isEqualTo("connected");
		assertThat(Lifecycle.INPUT_SHUTDOWN.word()).isEqualTo("input-shutdown");
		assertThat(Lifecycle.BROKEN.word()).isEqualTo("broken");
		assertThat(Lifecycle.ACCEPTING.word()).isEqualTo("accepting");
		assertThat(Lifecycle.LINGERING.word()).isEqualTo("lingering");
		assertThat(Lifecycle.CLOSED.word()).isEqualTo("closed");
		assertThat(Lifecycle.CLOSED_BROKEN.word()).isEqualTo("closed");
	}

	@Test
	void whenABrokenConnectionClosesThenItStaysBrokenAndItsInputStaysShut() {
		Lifecycle closed = Lifecycle.CONNECTED.disconnected().closed();
		assertThat(closed).isEqualTo(Lifecycle.CLOSED_BROKEN);
		assertThat(closed.isClosed()).isTrue();
		assertThat(closed.isBroken()).isTrue();
		assertThat(closed.isInputShutdown()).isTrue();
		assertThat(Lifecycle.CONNECTED.closed()).isEqualTo(Lifecycle.CLOSED);
	}

	@Test
	void whenEndOfStreamFollowsAResetThenTheConnectionStaysBroken() {
		assertThat(Lifecycle.BROKEN.endOfInput()).isEqualTo(Lifecycle.BROKEN);
		assertThat(Lifecycle.CONNECTED.endOfInput()).isEqualTo(Lifecycle.INPUT_SHUTDOWN);
		assertThat(Lifecycle.INPUT_SHUTDOWN.disconnected()).isEqualTo(Lifecycle.BROKEN);
		assertThat(Lifecycle.CLOSED.disconnected()).isEqualTo(Lifecycle.CLOSED);
	}

	@Test
	void onlyStatesThatCarryDataAreConnected() {
		assertThat(Lifecycle.CONNECTED.isConnected()).isTrue();
		assertThat(Lifecycle.INPUT_SHUTDOWN.isConnected()).isTrue();
		assertThat(Lifecycle.LINGERING.isConnected()).isTrue();
		assertThat(Lifecycle.NEW.isConnected()).isFalse();
		assertThat(Lifecycle.CONNECTING.isConnected()).isFalse();
		assertThat(Lifecycle.ACCEPTING.isConnected()).isFalse();
		assertThat(Lifecycle.CLOSED.isConnected()).isFalse();
	}

}
