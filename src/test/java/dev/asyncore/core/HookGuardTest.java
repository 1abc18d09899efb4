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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.asyncore.core.HookGuard.Hook;
import dev.asyncore.core.ListenerStats.Counter;

/**
 * The one hook guard and the readiness routing, without sockets: which hook each ready flag
 * reaches, that {@link ExitNow} passes every guard, and where each kind of failure goes.
 */
class HookGuardTest {

	private final Reactor reactor = new Reactor("hook-guard");

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
		ReadyEvents.selected(d, SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("read");
		assertThat(d.stats().get(Counter.READS)).isEqualTo(1);
		assertThat(d.stats().get(Counter.WRITES)).isZero();
	}

	@Test
	void whenWriteIsReadyThenOnlyHandleWriteRuns() {
		Recorder d = recorder();
		ReadyEvents.selected(d, SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("write");
	}

	@Test
	void whenReadAndWriteAreReadyThenReadRunsBeforeWrite() {
		Recorder d = recorder();
		ReadyEvents.selected(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("read", "write");
	}

	@Test
	void whenAcceptIsReadyThenOnlyHandleAcceptRuns() {
		Recorder d = recorder();
		ReadyEvents.selected(d, SelectionKey.OP_ACCEPT | SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("accept");
	}

	@Test
	void whenConnectIsReadyOnADispatcherThatIsNotConnectingThenNoHookRuns() {
		Recorder d = recorder();
		ReadyEvents.selected(d, SelectionKey.OP_CONNECT);
		assertThat(d.calls).isEmpty();
	}

	@Test
	void whenTheDispatcherIsClosedThenNoReadinessReachesAHook() {
		Recorder d = recorder();
		d.close();
		ReadyEvents.selected(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE | SelectionKey.OP_ACCEPT);
		ReadyEvents.alwaysReady(d);
		assertThat(d.calls).isEmpty();
	}

	@Test
	void whenHandleReadFailsThenHandleWriteIsSkippedAndHandleErrorGetsTheFailure() {
		Recorder d = new Recorder(this.reactor, "read", new IllegalStateException("bad input"));
		ReadyEvents.selected(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		assertThat(d.calls).containsExactly("read", "error:bad input");
		assertThat(d.stats().get(Counter.ERRORS)).isEqualTo(1);
	}

	@Test
	void whenAHookFailsWithADisconnectThenHandleCloseRunsInsteadOfHandleError() {
		Recorder d = new Recorder(this.reactor, "read",
				new java.io.UncheckedIOException(new IOException("Connection reset by peer")));
		ReadyEvents.selected(d, SelectionKey.OP_READ);
		assertThat(d.calls).containsExactly("read", "close");
		assertThat(d.isClosed()).isTrue();
		assertThat(d.isBroken()).isTrue();
		assertThat(d.state()).isEqualTo("closed");
		assertThat(d.stats().get(Counter.ERRORS)).isZero();
	}

	@Test
	void whenHandleCloseFailsThenHandleErrorGetsTheFailureAndTheDispatcherStillCloses() {
		Recorder d = new Recorder(this.reactor, "close", new IllegalStateException("close failed"));
		HookGuard.closeEvent(d);
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
		ReadyEvents.selected(d, SelectionKey.OP_READ);
		assertThat(d.isClosed()).isTrue();
	}

	@Test
	void whenAFileDispatcherPredicateFailsThenHandleErrorGetsIt() {
		Recorder d = new Recorder(this.reactor, "readable", new IllegalStateException("predicate"));
		ReadyEvents.alwaysReady(d);
		assertThat(d.calls).containsExactly("readable", "error:predicate");
	}

	@Test
	void whenATaskFailsThenTheGuardReturnsFalseAndNothingEscapes() {
		assertThat(HookGuard.run(Hook.TASK, null, (Runnable) () -> {
			throw new IllegalStateException("task");
		})).isFalse();
		assertThat(HookGuard.run(Hook.TASK, null, (Runnable) () -> {
		})).isTrue();
	}

	@Test
	void whenAGuardedTaskFailsThenItHandlesItsOwnFailure() {
		List<Exception> seen = new ArrayList<>();
		HookGuard.GuardedTask task = new HookGuard.GuardedTask() {
			@Override
			public void run() {
				throw new IllegalStateException("setup");
			}

			@Override
			public void failed(Exception failure) {
				seen.add(failure);
			}
		};
		HookGuard.run(Hook.TASK, null, task);
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
			assertThatExceptionOfType(ExitNow.class).isThrownBy(() -> ReadyEvents.alwaysReady(d));
		}
		else {
			assertThatExceptionOfType(ExitNow.class).isThrownBy(() -> ReadyEvents.selected(d, ready));
		}
		assertThat(d.isClosed()).isFalse();
		assertThat(d.calls).noneMatch(c -> c.startsWith("error"));
	}

	@ParameterizedTest
	@EnumSource(value = Hook.class, names = { "CONNECT", "CLOSE", "TIMEOUT", "ERROR", "TASK" })
	void whenAnyOtherGuardedCodeThrowsExitNowThenItLeavesTheGuard(Hook hook) {
		String name = switch (hook) {
			case CONNECT -> "connect";
			case CLOSE -> "close";
			case TIMEOUT -> "timeout";
			default -> "error:cause";
		};
		Recorder d = new Recorder(this.reactor, name, new ExitNow(name));
		Object arg = switch (hook) {
			case ERROR -> new IllegalStateException("cause");
			case TASK -> (Runnable) () -> {
				throw new ExitNow("task");
			};
			default -> null;
		};
		assertThatExceptionOfType(ExitNow.class).isThrownBy(() -> HookGuard.run(hook, d, arg));
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
