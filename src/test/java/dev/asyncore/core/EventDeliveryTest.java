package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.asyncore.core.ListenerStats.Counter;

/**
 * The one event delivery and its guard, without sockets: which hook each ready flag reaches, that
 * {@link ExitNow} passes every guard, and where each kind of failure goes.
 */
class EventDeliveryTest {

	private final Reactor reactor = new Reactor("event-delivery");

	@AfterEach
	void close() {
		this.reactor.close();
	}

	/** Records each hook; throws {@code failure} from the hook named {@code failing}. */
	static class Recorder extends Dispatcher {

		final List<String> calls = new ArrayList<>();

		final String failing;

		final RuntimeException failure;

		Recorder(Reactor reactor, String failing, RuntimeException failure) {
			super(reactor);
			this.failing = failing;
			this.failure = failure;
		}

		private void call(String hook) {
			this.calls.add(hook);
			if (hook.equals(this.failing)) {
				throw this.failure;
			}
		}

		@Override
		public boolean readable() {
			call("readable");
			return true;
		}

		@Override
		public boolean writable() {
			call("writable");
			return true;
		}

		@Override
		protected void handleAccept() {
			call("accept");
		}

		@Override
		protected void handleConnect() {
			call("connect");
		}

		@Override
		protected void handleRead() {
			call("read");
		}

		@Override
		protected void handleWrite() {
			call("write");
		}

		@Override
		protected void handleClose() {
			call("close");
			close();
		}

		@Override
		protected void handleTimeout() {
			call("timeout");
		}

		@Override
		protected void handleError(Throwable error) {
			call("error:" + error.getMessage());
		}

	}

	private Recorder recorder() {
		return new Recorder(this.reactor, "", null);
	}

	@Test
	void whenReadIsReadyThenOnlyHandleReadRuns() {
		Recorder d = recorder();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("read");
		assertThat(d.stats().get(Counter.READS)).isEqualTo(1);
		assertThat(d.stats().get(Counter.WRITES)).isZero();
	}

	@Test
	void whenWriteIsReadyThenOnlyHandleWriteRuns() {
		Recorder d = recorder();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("write");
	}

	@Test
	void whenReadAndWriteAreReadyThenReadRunsBeforeWrite() {
		Recorder d = recorder();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("read", "write");
	}

	@Test
	void whenAcceptIsReadyThenOnlyHandleAcceptRuns() {
		Recorder d = recorder();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_ACCEPT | SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("accept");
	}

	@Test
	void whenConnectIsReadyOnADispatcherThatIsNotConnectingThenNoHookRuns() {
		Recorder d = recorder();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_CONNECT);
		assertThat(d.calls).isEmpty();
	}

	@Test
	void whenTheDispatcherIsClosedThenNoReadinessReachesAHook() {
		Recorder d = recorder();
		d.close();
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE | SelectionKey.OP_ACCEPT);
		EventDelivery.deliverAlwaysReady(d);
		assertThat(d.calls).isEmpty();
	}

	@Test
	void whenHandleReadFailsThenHandleWriteIsSkippedAndHandleErrorGetsTheFailure() {
		Recorder d = new Recorder(this.reactor, "read", new IllegalStateException("bad input"));
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("read", "error:bad input");
		assertThat(d.stats().get(Counter.ERRORS)).isEqualTo(1);
	}

	@Test
	void whenAHookFailsWithADisconnectThenHandleCloseRunsInsteadOfHandleError() {
		Recorder d = new Recorder(this.reactor, "read",
				new java.io.UncheckedIOException(new IOException("Connection reset by peer")));
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("read", "close");
		assertThat(d.isClosed()).isTrue();
		assertThat(d.isBroken()).isTrue();
		assertThat(d.state()).isEqualTo("closed");
		assertThat(d.stats().get(Counter.ERRORS)).isZero();
	}

	@Test
	void whenHandleCloseFailsThenHandleErrorGetsTheFailureAndTheDispatcherStillCloses() {
		Recorder d = new Recorder(this.reactor, "close", new IllegalStateException("close failed"));
		EventDelivery.deliverClose(d);
		assertThat(d.calls).containsExactly("close", "error:close failed");
		assertThat(d.isClosed()).isTrue();
		assertThat(d.stats().get(Counter.ERRORS)).isEqualTo(1);
	}

	@Test
	void whenHandleErrorFailsThenTheDispatcherCloses() {
		Dispatcher d = new Dispatcher(this.reactor) {
			@Override
			protected void handleRead() {
				throw new IllegalStateException("first");
			}

			@Override
			protected void handleError(Throwable error) {
				throw new IllegalStateException("second");
			}
		};
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ);
		assertThat(d.isClosed()).isTrue();
	}

	@Test
	void whenAFileDispatcherPredicateFailsThenHandleErrorGetsIt() {
		Recorder d = new Recorder(this.reactor, "readable", new IllegalStateException("predicate"));
		EventDelivery.deliverAlwaysReady(d);
		assertThat(d.calls).containsExactly("readable", "error:predicate");
	}

	@Test
	void whenATaskFailsThenTheGuardReturnsFalseAndNothingEscapes() {
		assertThat(EventDelivery.runTask(() -> {
			throw new IllegalStateException("task");
		})).isFalse();
		assertThat(EventDelivery.runTask(() -> {
		})).isTrue();
	}

	@Test
	void whenAGuardedTaskFailsThenItHandlesItsOwnFailure() {
		List<Exception> seen = new ArrayList<>();
		EventDelivery.GuardedTask task = new EventDelivery.GuardedTask() {
			@Override
			public void run() {
				throw new IllegalStateException("setup");
			}

			@Override
			public void failed(Exception failure) {
				seen.add(failure);
			}
		};
		EventDelivery.runTask(task);
		assertThat(seen).singleElement().extracting(Throwable::getMessage).isEqualTo("setup");
	}

	@ParameterizedTest
	@ValueSource(strings = { "accept", "read", "write", "readable" })
	void whenAnEventHookThrowsExitNowThenItLeavesTheGuard(String hook) {
		Recorder d = new Recorder(this.reactor, hook, new ExitNow(hook));
		int ready = switch (hook) {
			case "accept" -> SelectionKey.OP_ACCEPT;
			case "read" -> SelectionKey.OP_READ;
			default -> SelectionKey.OP_WRITE;
		};
		if (hook.equals("readable")) {
			assertThatExceptionOfType(ExitNow.class).isThrownBy(() -> EventDelivery.deliverAlwaysReady(d));
		}
		else {
			assertThatExceptionOfType(ExitNow.class).isThrownBy(() -> EventDelivery.deliverReadiness(d, ready));
		}
		assertThat(d.isClosed()).isFalse();
		assertThat(d.calls).noneMatch(c -> c.startsWith("error"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "connect", "close", "timeout", "error", "task" })
	void whenAnyOtherGuardedCodeThrowsExitNowThenItLeavesTheGuard(String event) {
		String name = event.equals("error") ? "error:cause" : event;
		Recorder d = new Recorder(this.reactor, name, new ExitNow(name));
		Runnable delivery = switch (event) {
			case "connect" -> () -> EventDelivery.deliverConnect(d);
			case "close" -> () -> EventDelivery.deliverClose(d);
			case "timeout" -> () -> EventDelivery.deliverTimeout(d);
			case "error" -> () -> EventDelivery.deliverError(d, new IllegalStateException("cause"));
			default -> () -> EventDelivery.runTask(() -> {
				throw new ExitNow("task");
			});
		};
		assertThatExceptionOfType(ExitNow.class).isThrownBy(delivery::run);
		assertThat(d.isClosed()).isFalse();
	}

	@Test
	void whenClosedTwiceThenCountedOnceAndNothingFails() {
		Dispatcher d = new Dispatcher(this.reactor);
		d.close();
		d.close();
		assertThat(d.isClosed()).isTrue();
		assertThat(d.stats().get(Counter.CLOSES)).isEqualTo(1);
		assertThat(d.stats().activeConnections()).isZero();
		assertThat(this.reactor.size()).isZero();
	}

}
