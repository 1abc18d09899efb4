package dev.asyncore.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.asyncore.core.Dispatcher;

/**
 * Where a streamed response body goes (see {@link FetchOptions#sink(BodySink)}), so that a large
 * download needs no heap for the body; the {@link Fetcher} still counts it and computes its
 * SHA-256. Called on the loop thread only, and so must not block for long: a sink that writes
 * to a slow device should hand the bytes to another thread (and bound what it queues); a sink
 * whose work on what it was given is long (a decoder) spreads it over loop passes with its
 * {@link Flow}. One sink serves one fetch; redirect responses never reach it.
 */
public interface BodySink {

	/**
	 * The response whose body follows, and the fetch's flow control: called once, before the first
	 * {@link #write}, also when there is no body. A sink that needs neither ignores it (the default).
	 * A {@link FetchException} thrown here (a sink that refuses the response) is the fetch's failure.
	 */
	default void open(ResponseHead head, Flow flow) throws IOException {
	}

	/**
	 * Body bytes: consume {@code data}'s remaining bytes now (copy what cannot be worked on yet),
	 * the buffer is reused. A {@link FetchException} thrown here is the fetch's failure as it is.
	 */
	void write(ByteBuffer data) throws IOException;

	/**
	 * The body ended normally (and the sink is not paused). A {@link FetchException} is the fetch's
	 * failure. A sink with work left on the body's tail (a decoder bounding each pass) may pause its
	 * {@link Flow} here: the fetch then completes only when it resumes, calling this again.
	 */
	default void complete() throws IOException {
	}

	/** The fetch failed; release what the sink holds. Must not throw. */
	default void abort() {
	}

	/**
	 * The fetch's side of a sink's flow control, for a sink that works on what it was given over
	 * several loop passes (a decoder that bounds the work of each pass). Loop thread only.
	 */
	interface Flow {

		/**
		 * Reads nothing more from the connection until {@link #resume()}: the rest of the current read
		 * still arrives through {@link #write} (at most one read buffer in all), and the end of the
		 * body waits, so {@link #complete()} is never called on a paused sink.
		 */
		void pause();

		/** Reads again; if the body ended while paused, the fetch now calls {@link #complete()} and completes. */
		void resume();

		/** Ends the fetch with {@code failure} (for work done outside {@link #write}); {@link #abort()} follows. */
		void fail(FetchException failure);

	}

	/** A sink that drops the body (size and SHA-256 are still reported). */
	static BodySink discard() {
		return data -> data.position(data.limit());
	}

	/**
	 * Writes the body to {@code path} (created or truncated). The file is written on the loop
	 * thread: meant for a local disk.
	 */
	static BodySink toFile(Path path) {
		return new BodySink() {

			private FileChannel file;

			@Override
			public void write(ByteBuffer data) throws IOException {
				if (this.file == null) {
					this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							StandardOpenOption.TRUNCATE_EXISTING);
				}
				while (data.hasRemaining()) {
					this.file.write(data);
				}
			}

			@Override
			public void complete() throws IOException {
				if (this.file == null) {
					this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							StandardOpenOption.TRUNCATE_EXISTING);
				}
				this.file.close();
			}

			@Override
			public void abort() {
				Dispatcher.closeQuietly(this.file);
			}

		};
	}

}
