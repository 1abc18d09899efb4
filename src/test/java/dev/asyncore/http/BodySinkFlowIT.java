package dev.asyncore.http;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link BodySink}'s flow control on a real loop: it learns the head first, a paused sink is not
 * written beyond the read under way and the fetch's end waits for its resume, and its failures are
 * the fetch's as they are.
 */
@Timeout(30)
class BodySinkFlowIT {

	private static final FetchPolicy LOOPBACK = FetchPolicy.builder().allowPrivateNetworks(true).build();

	private final ReactorThread loop = new ReactorThread("sink-flow-it");

	private RawServer server;

	@AfterEach
	void stop() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
		this.loop.close();
	}

	/** A sink that pauses at its first write and records what it is told. */
	private static final class PausingSink implements BodySink {

		final List<String> events = new CopyOnWriteArrayList<>();

		final AtomicLong received = new AtomicLong();

		volatile Flow flow;

		@Override
		public void open(ResponseHead head, Flow flow) {
			this.flow = flow;
			this.events.add("open " + head.status());
		}

		@Override
		public void write(ByteBuffer data) {
			if (this.received.get() == 0) {
				this.flow.pause();
				this.events.add("pause");
			}
			this.received.addAndGet(data.remaining());
			data.position(data.limit());
		}

		@Override
		public void complete() {
			this.events.add("complete " + this.received.get());
		}

		@Override
		public void abort() {
			this.events.add("abort");
		}

	}

	private CompletableFuture<FetchResult> fetch(URI uri, BodySink sink) throws Exception {
		Fetcher fetcher = this.loop.call(() -> Fetcher.builder(this.loop.reactor()).policy(LOOPBACK).build());
		return fetcher.fetch(uri, FetchOptions.get().sink(sink));
	}

	/** A few passes of the loop, each one a chance to read what the server sent. */
	private void passes(int count) throws Exception {
		for (int i = 0; i < count; i++) {
			this.loop.call(() -> null);
		}
	}

	@Test
	void aPausedSinkGetsNoMoreThanTheReadUnderWayUntilItResumes() throws Exception {
		AtomicLong written = new AtomicLong();
		int size = 4 << 20;
		this.server = new RawServer((connection, index) -> {
			this.server.readRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
			byte[] piece = new byte[16 * 1024];
			for (int sent = 0; sent < size; sent += piece.length) {
				RawServer.write(connection, piece);
				written.addAndGet(piece.length);
			}
		});
		PausingSink sink = new PausingSink();
		CompletableFuture<FetchResult> result = fetch(this.server.uri("/"), sink);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= 512 * 1024);
		passes(20);
		assertThat(sink.received.get()).as("at most the read under way").isLessThanOrEqualTo(64 * 1024);
		assertThat(result).isNotDone();
		this.loop.run(() -> sink.flow.resume());
		assertThat(result.get(10, TimeUnit.SECONDS).bodySize()).isEqualTo(size);
		assertThat(sink.events).containsExactly("open 200", "pause", "complete " + size);
	}

	@Test
	void aBodyThatEndedWhileItsSinkWasPausedCompletesOnlyOnResume() throws Exception {
		this.server = new RawServer((connection, index) -> {
			this.server.readRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
		});
		PausingSink sink = new PausingSink();
		CompletableFuture<FetchResult> result = fetch(this.server.uri("/"), sink);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.get() == 5);
		passes(10);
		assertThat(result).isNotDone();
		assertThat(sink.events).containsExactly("open 200", "pause");
		this.loop.run(() -> sink.flow.resume());
		assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(sink.events).containsExactly("open 200", "pause", "complete 5");
	}

	@Test
	void aSinkThatPausesInCompleteForItsTailCompletesOnResumeAndItsHopIsReportedOnce() throws Exception {
		this.server = new RawServer((connection, index) -> {
			this.server.readRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
		});
		List<String> events = new CopyOnWriteArrayList<>();
		List<RequestOptions.Hop> hops = new CopyOnWriteArrayList<>();
		BodySink.Flow[] flow = new BodySink.Flow[1];
		BodySink tail = new BodySink() {

			@Override
			public void open(ResponseHead head, Flow given) {
				flow[0] = given;
			}

			@Override
			public void write(ByteBuffer data) {
				data.position(data.limit());
			}

			@Override
			public void complete() {
				events.add("complete");
				if (events.size() == 1) {
					flow[0].pause(); // work left on the tail: the fetch waits
				}
			}

		};
		Fetcher fetcher = this.loop.call(() -> Fetcher.builder(this.loop.reactor()).policy(LOOPBACK).build());
		RequestOptions request = new RequestOptions("GET", List.of(), null, null, null, null, null, false, hops::add);
		CompletableFuture<FetchResult> result = fetcher.fetch(this.server.uri("/"), FetchOptions.get().request(request).sink(tail));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
		passes(10);
		assertThat(result).isNotDone();
		this.loop.run(() -> flow[0].resume());
		assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(events).containsExactly("complete", "complete");
		assertThat(hops).hasSize(1);
	}

	@Test
	void aSinksFailureEndsTheFetchWithThatFailure() throws Exception {
		this.server = new RawServer((connection, index) -> {
			this.server.readRequest(connection);
			RawServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
		});
		CompletableFuture<FetchResult> thrown = fetch(this.server.uri("/"), data -> {
			throw new FetchException.TooLarge("the sink's own limit");
		});
		assertThatThrownBy(() -> thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.cause().isInstanceOf(FetchException.TooLarge.class).hasMessage("the sink's own limit");

		PausingSink sink = new PausingSink();
		CompletableFuture<FetchResult> failedLater = fetch(this.server.uri("/"), sink);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.get() == 5);
		this.loop.run(() -> sink.flow.fail(new FetchException.Protocol("cannot decode the body")));
		assertThatThrownBy(() -> failedLater.get(10, TimeUnit.SECONDS)).cause()
			.isInstanceOf(FetchException.Protocol.class).hasMessage("cannot decode the body");
		assertThat(sink.events).containsExactly("open 200", "pause", "abort");
	}

	@Test
	void theHopOfAResponseWhoseBodyFailedIsStillReported() throws Exception {
		this.server = new RawServer((connection, index) -> {
			this.server.readRequest(connection);
			RawServer.write(connection, "HTTP/1.1 203 Partial\r\nContent-Length: 5\r\n\r\nhel");
		});
		List<RequestOptions.Hop> hops = new CopyOnWriteArrayList<>();
		Fetcher fetcher = this.loop.call(() -> Fetcher.builder(this.loop.reactor()).policy(LOOPBACK).build());
		CompletableFuture<FetchResult> result = fetcher.fetch(this.server.uri("/"), FetchOptions.get()
			.sink(data -> data.position(data.limit()))
			.request(new RequestOptions(null, List.of(), null, null, null, null, true, hops::add)));
		assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(FetchException.Protocol.class);
		assertThat(hops).singleElement().satisfies(hop -> assertThat(hop.head().status()).isEqualTo(203));
	}

}
