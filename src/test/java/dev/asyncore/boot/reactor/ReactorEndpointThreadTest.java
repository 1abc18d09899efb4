package dev.asyncore.boot.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.boot.reactor.ReactorEndpoint.MapPart;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.support.ReactorThread;

/** The endpoint's thread rule: dispatchers are read, and their records built, on the loop thread. */
@Timeout(30)
class ReactorEndpointThreadTest {

	/** Records which threads read its figures. */
	static final class Watched extends Dispatcher {

		final Set<String> readers = ConcurrentHashMap.newKeySet();

		Watched(Reactor reactor) {
			super(reactor);
		}

		@Override
		public long bytesReceived() {
			this.readers.add(Thread.currentThread().getName());
			return super.bytesReceived();
		}

		@Override
		public String state() {
			this.readers.add(Thread.currentThread().getName());
			return super.state();
		}

		@Override
		public String interestString() {
			this.readers.add(Thread.currentThread().getName());
			return super.interestString();
		}

	}

	@Test
	void whenTheSnapshotIsTakenFromAnotherThreadThenTheDispatchersAreReadOnlyOnTheLoopThread() throws Exception {
		try (ReactorThread loop = new ReactorThread("endpoint-loop")) {
			Watched watched = loop.call(() -> {
				Watched d = new Watched(loop.reactor());
				d.createSocket();
				return d;
			});
			MapPart part = ReactorEndpoint.snapshot(loop.reactor(), 10).get(10, TimeUnit.SECONDS);
			assertThat(part.size()).isEqualTo(1);
			assertThat(part.dispatchers()).singleElement().satisfies(descriptor -> {
				assertThat(descriptor.type()).isEqualTo("Watched");
				assertThat(descriptor.state()).isEqualTo("idle");
			});
			assertThat(watched.readers).isEqualTo(Set.of("endpoint-loop"));
		}
	}

	@Test
	void whenTheLimitIsReachedThenTheSizeCountsEveryDispatcherButFewerAreDescribed() throws Exception {
		try (ReactorThread loop = new ReactorThread("endpoint-limit")) {
			loop.run(() -> {
				for (int i = 0; i < 3; i++) {
					new Dispatcher(loop.reactor()).createSocket();
				}
			});
			MapPart part = ReactorEndpoint.snapshot(loop.reactor(), 2).get(10, TimeUnit.SECONDS);
			assertThat(part.size()).isEqualTo(3);
			assertThat(part.dispatchers()).hasSize(2);
			assertThat(ReactorEndpoint.snapshot(loop.reactor(), 0).get(10, TimeUnit.SECONDS).dispatchers())
				.isEqualTo(List.of());
		}
	}

}
